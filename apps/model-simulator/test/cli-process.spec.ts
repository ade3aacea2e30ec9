import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const APP_ROOT = path.join(__dirname, '..');

interface RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Record<string, any>[];
  readonly exited: Promise<number | null>;
  nextLine(): Promise<Record<string, any>>;
}

/** Runs src/main.ts as a real process (TypeScript compiled on the fly by swc). */
function runCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, ['-r', './test/support/register-ts.cjs', 'src/main.ts', ...args], {
    cwd: APP_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const lines: Record<string, any>[] = [];
  const waiting: ((line: Record<string, any>) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, any>;
    lines.push(line);
    waiting.shift()?.(line);
  });
  let consumed = 0;
  return {
    child,
    lines,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    nextLine: () =>
      new Promise((resolve) => {
        const index = consumed++;
        if (index < lines.length) resolve(lines[index]);
        else waiting.push(resolve);
      }),
  };
}

async function collectStderr(child: ChildProcessWithoutNullStreams): Promise<string> {
  let text = '';
  for await (const chunk of child.stderr) text += String(chunk);
  return text;
}

// Each test starts a node process that compiles the sources on load; allow for a busy machine.
jest.setTimeout(20_000);

describe('the command-line entry point', () => {
  it('logs one JSON line when listening, serves requests and stops gracefully on SIGTERM', async () => {
    const cli = runCli(['--port', '0', '--output-tokens', '3', '--inter-token-ms', '40'], { MODEL_SIM_MODELS: 'bank-llm, bank-embed' });
    const started = await cli.nextLine();
    expect(started).toMatchObject({ level: 'info', msg: 'model-simulator listening', settings: { models: ['bank-llm', 'bank-embed'], outputTokens: 3 } });
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // A stream in flight when SIGTERM arrives still completes.
    const response = await fetch(`${started.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'bank-llm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    cli.child.kill('SIGTERM');
    const body = await response.text();
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);

    expect(await cli.exited).toBe(0);
    expect(cli.lines.map((line) => line.msg)).toEqual(['model-simulator listening', 'model-simulator shutting down', 'model-simulator stopped']);
    expect(cli.lines[2].stats).toMatchObject({ served: { chatStream: 1 }, inFlight: 0 });
  });

  it('prefers flags over environment variables', async () => {
    const cli = runCli(['--port', '0', '--ttft-ms', '7'], { MODEL_SIM_TTFT_MS: '900', MODEL_SIM_API_KEY: 'k' });
    const started = await cli.nextLine();
    expect(started.settings).toMatchObject({ ttftMs: 7, apiKey: '<redacted>' });
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('exits with status 2 and usage on stderr for an invalid option', async () => {
    const cli = runCli(['--error-rate', '1.5']);
    const [stderr, code] = await Promise.all([collectStderr(cli.child), cli.exited]);
    expect(code).toBe(2);
    expect(stderr).toContain('errorRate');
    expect(stderr).toContain('--inter-token-ms');
  });
});
