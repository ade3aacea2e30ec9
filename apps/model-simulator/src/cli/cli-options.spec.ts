import { CLI_DEFAULT_PORT, CLI_OPTIONS, cliUsage, CliUsageError, parseCli } from './cli-options';

describe('parseCli', () => {
  it('uses the defaults when nothing is given', () => {
    expect(parseCli([], {})).toEqual({ help: false, options: { host: '127.0.0.1', port: CLI_DEFAULT_PORT }, shutdownGraceMs: 5_000 });
  });

  it('reads every flag', () => {
    const { options, shutdownGraceMs } = parseCli(
      [
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--models',
        'a, b,,c',
        '--ttft-ms',
        '300',
        '--inter-token-ms',
        '25',
        '--output-tokens',
        '64',
        '--embedding-dimension',
        '256',
        '--error-rate',
        '0.05',
        '--error-status',
        '503',
        '--stall-rate',
        '0.01',
        '--stall-after-chunks',
        '2',
        '--api-key',
        'k1',
        '--max-body-bytes',
        '1024',
        '--shutdown-grace-ms',
        '100',
      ],
      {},
    );
    expect(options).toEqual({
      host: '0.0.0.0',
      port: 0,
      models: ['a', 'b', 'c'],
      ttftMs: 300,
      interTokenMs: 25,
      outputTokens: 64,
      embeddingDimension: 256,
      errorRate: 0.05,
      errorStatus: 503,
      stallRate: 0.01,
      stallAfterChunks: 2,
      apiKey: 'k1',
      maxBodyBytes: 1024,
    });
    expect(shutdownGraceMs).toBe(100);
  });

  it('reads the environment, with flags taking precedence', () => {
    const { options } = parseCli(['--ttft-ms', '5'], { MODEL_SIM_TTFT_MS: '900', MODEL_SIM_OUTPUT_TOKENS: '12', MODEL_SIM_API_KEY: '' });
    expect(options).toMatchObject({ ttftMs: 5, outputTokens: 12, apiKey: null });
  });

  it('has a distinct flag and environment variable for every option', () => {
    expect(new Set(CLI_OPTIONS.map((spec) => spec.flag)).size).toBe(CLI_OPTIONS.length);
    expect(new Set(CLI_OPTIONS.map((spec) => spec.env)).size).toBe(CLI_OPTIONS.length);
    for (const spec of CLI_OPTIONS) expect(cliUsage()).toContain(`--${spec.flag}`);
  });

  it.each([
    [['--port', 'http'], '--port must be an integer'],
    [['--port', '70000'], 'port must be between'],
    [['--error-rate', '2'], 'errorRate'],
    [['--ttft-ms', '1.5'], '--ttft-ms must be an integer'],
    [['--unknown'], "Unknown option '--unknown'"],
    [['positional'], 'positional'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCli(argv, {})).toThrow(CliUsageError);
    expect(() => parseCli(argv, {})).toThrow(message);
  });

  it('recognises --help', () => {
    expect(parseCli(['--help'], {}).help).toBe(true);
  });
});
