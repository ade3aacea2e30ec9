import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

export interface SchemaChanges {
  /** Break existing clients (removed field, new required argument, changed type, …). */
  readonly breaking: readonly string[];
  /** May break some clients (new enum value, changed default, …). */
  readonly dangerous: readonly string[];
  readonly safe: readonly string[];
}

/** What changed from `previousSdl` to `currentSdl`, classified by @graphql-inspector/core. */
export async function schemaChanges(previousSdl: string, currentSdl: string): Promise<SchemaChanges> {
  const changes = await diff(buildSchema(previousSdl), buildSchema(currentSdl));
  const describe = (level: CriticalityLevel) =>
    changes
      .filter((change: Change) => change.criticality.level === level)
      .map((change) => (change.criticality.reason ? `${change.message} (${change.criticality.reason})` : change.message));
  return { breaking: describe(CriticalityLevel.Breaking), dangerous: describe(CriticalityLevel.Dangerous), safe: describe(CriticalityLevel.NonBreaking) };
}

/** The report printed by `npm run schema:check`: every breaking and dangerous change, a count of the safe ones. */
export function formatSchemaChanges(changes: SchemaChanges, against: string): string {
  const { breaking, dangerous, safe } = changes;
  if (breaking.length + dangerous.length + safe.length === 0) return `GraphQL schema: no change against ${against}.`;
  return [
    `GraphQL schema against ${against}: ${breaking.length} breaking, ${dangerous.length} dangerous, ${safe.length} safe change(s).`,
    ...breaking.map((line) => `  ✘ BREAKING   ${line}`),
    ...dangerous.map((line) => `  ! dangerous  ${line}`),
    ...(breaking.length ? ['Breaking changes are reported, not refused: name them in the release notes for member institutions.'] : []),
  ].join('\n');
}
