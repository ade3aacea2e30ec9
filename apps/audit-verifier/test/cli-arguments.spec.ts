import fc from 'fast-check';
import { defaultThreads, parseArguments } from '../src/cli-arguments';

const REQUIRED = ['--bundle', 'dir', '--public-key', 'pinned.pem'];

describe('parseArguments (node:util parseArgs tokens, this tool’s rules)', () => {
  it('reads every option, in either spelling (--name value, --name=value)', () => {
    expect(parseArguments(['--bundle', 'dir', '--public-key', 'a.pem', '--public-key=b.pem', '--json', '--threads=3'])).toEqual({
      kind: 'run',
      args: { bundleDir: 'dir', publicKeyPaths: ['a.pem', 'b.pem'], json: true, threads: 3 },
    });
    expect(parseArguments(['--public-key=a.pem', '--bundle=dir'])).toEqual({
      kind: 'run',
      args: { bundleDir: 'dir', publicKeyPaths: ['a.pem'], json: false, threads: defaultThreads() },
    });
  });

  it('keeps values that look like short options or contain "=" (paths are paths)', () => {
    expect(parseArguments(['--bundle', '-odd-dir', '--public-key', 'a=b.pem'])).toMatchObject({
      kind: 'run',
      args: { bundleDir: '-odd-dir', publicKeyPaths: ['a=b.pem'] },
    });
  });

  it('answers help for --help and -h, even with other options', () => {
    expect(parseArguments(['--help'])).toEqual({ kind: 'help' });
    expect(parseArguments(['-h'])).toEqual({ kind: 'help' });
    expect(parseArguments([...REQUIRED, '--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--bundle', 'b', '--bundle', 'c', '--public-key', 'a.pem'], '--bundle given twice'],
    [[...REQUIRED, '--threads', '1', '--threads=2'], '--threads given twice'],
    [['--public-key', 'a.pem'], '--bundle is required'],
    [['--bundle', 'b'], '--public-key is required (pin the key; the bundle’s own key is not trusted)'],
    [['--bundle'], '--bundle needs a value'],
    [['--bundle='], '--bundle needs a value'],
    [['--bundle', '--json'], '--bundle needs a value'],
    [['--bundle', 'b', '--public-key'], '--public-key needs a value'],
    [[...REQUIRED, '--threads', '--json'], '--threads needs a value'],
    [['--verbose'], 'unknown argument "--verbose"'],
    [['--verbose=1'], 'unknown argument "--verbose=1"'],
    [['-x'], 'unknown argument "-x"'],
    [['bundle-dir'], 'unknown argument "bundle-dir"'],
    [[...REQUIRED, '--', 'x'], 'unknown argument "--"'],
    [['--toString'], 'unknown argument "--toString"'],
    [[...REQUIRED, '--json=yes'], '--json takes no value'],
    [['--help=1'], '--help takes no value'],
    [[...REQUIRED, '--threads', '-1'], '--threads must be an integer from 0 to 256'],
    [[...REQUIRED, '--threads', '1.5'], '--threads must be an integer from 0 to 256'],
    [[...REQUIRED, '--threads', '257'], '--threads must be an integer from 0 to 256'],
    [[...REQUIRED, '--threads', ' 4'], '--threads must be an integer from 0 to 256'],
  ])('%j → %s', (argv, message) => {
    expect(parseArguments(argv)).toEqual({ kind: 'error', message });
  });

  it('reports the first offending argument', () => {
    expect(parseArguments(['--nope', '--bundle', 'a', '--bundle', 'b'])).toEqual({ kind: 'error', message: 'unknown argument "--nope"' });
    expect(parseArguments(['--bundle', 'a', '--bundle', 'b', '--nope'])).toEqual({ kind: 'error', message: '--bundle given twice' });
  });

  it('never throws: any argv is a run, help or error', () => {
    const word = fc.oneof(fc.constantFrom('--bundle', '--public-key', '--threads', '--json', '--help', '-h', '--', '-', '=', '--=x', '-hj'), fc.string());
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (argv) => {
        const parsed = parseArguments(argv);
        expect(['run', 'help', 'error']).toContain(parsed.kind);
        if (parsed.kind === 'run') expect(parsed.args.publicKeyPaths.length).toBeGreaterThan(0);
      }),
    );
  });
});
