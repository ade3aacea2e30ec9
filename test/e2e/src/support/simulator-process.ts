import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const repoRoot = path.resolve(__dirname, '../../../..');

export interface SimulatorProcess {
  url: string;
  process: ChildProcess;
  stats(): Promise<{ served: { total: number; chat: number; chatStream: number; embeddings: number }; started: number }>;
  configure(patch: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

/** Runs apps/model-simulator as a real process (from its TypeScript sources) on a free port. */
export async function startSimulatorProcess(args: string[] = []): Promise<SimulatorProcess> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      path.join(repoRoot, 'apps/model-simulator/test/support/register-ts.cjs'),
      path.join(repoRoot, 'apps/model-simulator/src/main.ts'),
      '--port',
      '0',
      ...args,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'model-simulator listening' && entry.url) resolve(entry.url);
      } catch {
        // not a JSON line
      }
    });
    child.once('exit', (code) => reject(new Error(`model simulator exited early (${code})`)));
  });
  return {
    url,
    process: child,
    stats: async () => (await fetch(`${url}/_sim/stats`)).json() as never,
    configure: async (patch) => {
      const response = await fetch(`${url}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
      if (!response.ok) throw new Error(`simulator configure failed: ${response.status} ${await response.text()}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
