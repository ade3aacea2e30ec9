import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSchemaCommand, type Git } from '../src/schema/schema-command';

const CODE_SCHEMA = 'type Query {\n  institutions: [String!]!\n}\n';
const OLDER_SCHEMA = 'type Query {\n  institutions: [String!]!\n  models: [String!]!\n}\n';

/** A git that knows `commits` (ref → schema.graphql, or null: the commit has none); the status of schema.graphql is `status`. */
function fakeGit(commits: Record<string, string | null>, status = ''): Git & { calls: string[][] } {
  const calls: string[][] = [];
  const git = (args: readonly string[]) => {
    calls.push([...args]);
    if (args[0] === 'status') return status;
    if (args[0] === 'rev-parse') return args[3]!.replace('^{commit}', '') in commits ? 'abc\n' : null;
    if (args[0] === 'show') return commits[args[1]!.split(':')[0]!] ?? null;
    return null;
  };
  return Object.assign(git, { calls });
}

describe('runSchemaCommand', () => {
  let root: string;
  let lines: string[];
  const out = (line: string) => void lines.push(line);
  const generate = () => Promise.resolve(CODE_SCHEMA);
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'schema-command-'));
    lines = [];
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('generate writes schema.graphql from the code', async () => {
    expect(await runSchemaCommand(['generate'], root, out, { git: fakeGit({}), generate })).toBe(0);
    expect(await readFile(join(root, 'schema.graphql'), 'utf8')).toBe(CODE_SCHEMA);
  });

  it('check fails with the command to run when the committed file differs from the code, or is missing', async () => {
    const git = fakeGit({ 'HEAD~1': CODE_SCHEMA });
    expect(await runSchemaCommand(['check'], root, out, { git, generate })).toBe(1);
    expect(lines.at(-1)).toBe('schema.graphql is missing: run `npm run schema:generate` and commit it.');
    await writeFile(join(root, 'schema.graphql'), OLDER_SCHEMA);
    expect(await runSchemaCommand(['check'], root, out, { git, generate })).toBe(1);
    expect(lines.at(-1)).toBe('schema.graphql differs from the code-first types: run `npm run schema:generate` and commit it.');
  });

  it('check reports breaking changes against the previous commit without failing', async () => {
    await writeFile(join(root, 'schema.graphql'), CODE_SCHEMA);
    expect(await runSchemaCommand(['check'], root, out, { git: fakeGit({ 'HEAD~1': OLDER_SCHEMA }), generate })).toBe(0);
    expect(lines.join('\n')).toContain(
      "GraphQL schema against HEAD~1: 1 breaking, 0 dangerous, 0 safe change(s).\n  ✘ BREAKING   Field 'models' was removed from object type 'Query'",
    );
  });

  it('compares with HEAD while schema.graphql has uncommitted changes, and with --against <ref> when given', async () => {
    await writeFile(join(root, 'schema.graphql'), CODE_SCHEMA);
    const git = fakeGit({ HEAD: OLDER_SCHEMA, 'origin/main': CODE_SCHEMA }, ' M schema.graphql\n');
    expect(await runSchemaCommand(['check'], root, out, { git, generate })).toBe(0);
    expect(lines.join('\n')).toContain('against HEAD: 1 breaking');
    expect(await runSchemaCommand(['check', '--against', 'origin/main'], root, out, { git, generate })).toBe(0);
    expect(lines.at(-1)).toBe('GraphQL schema: no change against origin/main.');
  });

  it.each([
    ['a shallow clone (the previous commit is absent)', fakeGit({}), 'commit HEAD~1 is not available'],
    ['no git at all', (() => null) as Git, 'commit HEAD~1 is not available'],
    ['a previous commit without schema.graphql', fakeGit({ 'HEAD~1': null }), 'HEAD~1 has no schema.graphql'],
    ['a previous schema that does not parse', fakeGit({ 'HEAD~1': 'type {' }), 'HEAD~1:schema.graphql does not parse'],
  ])('skips the breaking-change report with a message on %s, and still checks the file', async (_case, git, message) => {
    await writeFile(join(root, 'schema.graphql'), CODE_SCHEMA);
    expect(await runSchemaCommand(['check'], root, out, { git, generate })).toBe(0);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^Breaking-change report skipped: .*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))]);
  });

  it('refuses unknown commands with usage', async () => {
    for (const argv of [[], ['push'], ['check', '--against'], ['generate', 'x']]) {
      lines = [];
      expect(await runSchemaCommand(argv, root, out, { git: fakeGit({}), generate })).toBe(2);
      expect(lines).toEqual(['usage: graphql-schema generate | check [--against <git ref>]']);
    }
  });
});
