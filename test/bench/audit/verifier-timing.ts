// Times the offline verifier CLI (apps/audit-verifier's runVerifier, in-process, --json) on one
// bundle: wall time including reading, and the process's CPU time (every thread). audit-bench.ts
// uses it on the bundles it exports; on its own it times a bundle already on disk, e.g. one from
// synthetic-bundle.ts:
//
//   node -r ./tools/register-ts.cjs test/bench/audit/verifier-timing.ts <bundle-dir> <pinned.pem> [verifier options…]
import path from 'node:path';
import { performance } from 'node:perf_hooks';

type RunVerifier = (argv: readonly string[], io: { stdout: (text: string) => void; stderr: (text: string) => void }) => Promise<number>;

export interface VerifierTiming {
  readonly code: number;
  readonly report: { durationMs: number; ok: boolean; counts: { events: number } };
  readonly wallS: number;
  readonly cpuS: number;
}

export async function timeVerifier(directory: string, publicKey: string, options: readonly string[] = []): Promise<VerifierTiming> {
  // Apps have no import alias; load the CLI from its sources, as the e2e tests do.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runVerifier } = require(path.resolve(__dirname, '../../../apps/audit-verifier/src/run-verifier.ts')) as { runVerifier: RunVerifier };
  let out = '';
  const t = performance.now();
  // This process does nothing else meanwhile: its CPU time (all threads) is the verifier's.
  const cpu = process.cpuUsage();
  const code = await runVerifier(['--bundle', directory, '--public-key', publicKey, '--json', ...options], {
    stdout: (text) => (out += text),
    stderr: (text) => process.stderr.write(text),
  });
  const used = process.cpuUsage(cpu);
  return { code, report: JSON.parse(out), wallS: (performance.now() - t) / 1000, cpuS: (used.user + used.system) / 1e6 };
}

if (require.main === module) {
  const [directory, publicKey, ...options] = process.argv.slice(2);
  if (directory === undefined || publicKey === undefined) {
    process.stderr.write('usage: verifier-timing.ts <bundle-dir> <pinned.pem> [verifier options…]\n');
    process.exit(2);
  }
  timeVerifier(directory, publicKey, options).then(({ code, report, wallS, cpuS }) => {
    const events = report.counts.events;
    process.stdout.write(
      `exit ${code} (${report.ok ? 'VERIFIED' : 'FAILED'}): ${events} events; wall ${wallS.toFixed(2)} s = ${Math.round(events / wallS)} events/s; ` +
        `CPU ${cpuS.toFixed(2)} s = ${Math.round(events / cpuS)} events per CPU-second; report duration ${(report.durationMs / 1000).toFixed(2)} s\n`,
    );
  });
}
