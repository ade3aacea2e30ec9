import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { printControlPlaneSchema } from '../src/schema/control-plane-schema';
import { SCHEMA_FILE, SCHEMA_GENERATE_COMMAND } from '../src/schema/schema-file';

// The check `npm test` runs: the committed SDL is the one the code serves.
describe(`${SCHEMA_FILE} at the repository root`, () => {
  it('equals the schema generated from the code-first types', async () => {
    const committed = await readFile(join(__dirname, '../../../..', SCHEMA_FILE), 'utf8').catch(() => '(missing)');
    const generated = await printControlPlaneSchema();
    if (committed !== generated) {
      throw new Error(
        `${SCHEMA_FILE} differs from the code-first types: run \`${SCHEMA_GENERATE_COMMAND}\` and commit it.\n${firstDifference(committed, generated)}`,
      );
    }
  });
});

function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  let line = 0;
  while (line < a.length && a[line] === b[line]) line++;
  return `first difference at line ${line + 1}:\n  committed: ${a[line] ?? '(end of file)'}\n  generated: ${b[line] ?? '(end of file)'}`;
}
