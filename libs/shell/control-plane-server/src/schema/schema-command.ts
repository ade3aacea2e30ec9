import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { printControlPlaneSchema } from './control-plane-schema';
import { SCHEMA_FILE, SCHEMA_GENERATE_COMMAND } from './schema-file';
import { formatSchemaChanges, schemaChanges } from './schema-changes';

export type Git = (args: readonly string[]) => string | null;

/** `git …` in `root`, its stdout, or null when git or the object is not there (no repository, shallow clone). */
function gitIn(root: string): Git {
  return (args) => {
    try {
      return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
    } catch {
      return null;
    }
  };
}

/**
 * `generate`: writes schema.graphql from the code. `check`: reports breaking changes against the
 * previous commit's schema.graphql (never fails for them), then fails (exit 1) if the committed file
 * differs from the code. The previous commit is HEAD while schema.graphql has uncommitted changes,
 * else HEAD~1; `--against <ref>` names another (e.g. origin/main).
 */
export async function runSchemaCommand(
  argv: readonly string[],
  root: string,
  out: (line: string) => void,
  { git = gitIn(root), generate = printControlPlaneSchema }: { git?: Git; generate?: () => Promise<string> } = {},
): Promise<number> {
  const [command, flag, ref] = argv;
  const path = join(root, SCHEMA_FILE);
  const generated = await generate();
  if (command === 'generate' && argv.length === 1) {
    await writeFile(path, generated);
    out(`wrote ${SCHEMA_FILE}`);
    return 0;
  }
  if (command !== 'check' || !(argv.length === 1 || (argv.length === 3 && flag === '--against' && ref))) {
    out('usage: graphql-schema generate | check [--against <git ref>]');
    return 2;
  }
  out(await breakingChangeReport(generated, path, git, ref));
  const committed = await readFile(path, 'utf8').catch(() => null);
  if (committed === generated) return 0;
  out(`${SCHEMA_FILE} ${committed === null ? 'is missing' : 'differs from the code-first types'}: run \`${SCHEMA_GENERATE_COMMAND}\` and commit it.`);
  return 1;
}

async function breakingChangeReport(generated: string, path: string, git: Git, ref: string | undefined): Promise<string> {
  const uncommitted = git(['status', '--porcelain', '--', SCHEMA_FILE]);
  const against = ref ?? (uncommitted ? 'HEAD' : 'HEAD~1');
  if (git(['rev-parse', '--verify', '--quiet', `${against}^{commit}`]) === null) {
    return `Breaking-change report skipped: commit ${against} is not available (not a git checkout, first commit, or a shallow clone: fetch with --depth=2 or more).`;
  }
  const previous = git(['show', `${against}:${SCHEMA_FILE}`]);
  if (previous === null) return `Breaking-change report skipped: ${against} has no ${SCHEMA_FILE}.`;
  try {
    return formatSchemaChanges(await schemaChanges(previous, generated), against);
  } catch (error) {
    return `Breaking-change report skipped: ${against}:${SCHEMA_FILE} does not parse (${(error as Error).message}).`;
  }
}
