// One gateway process for the audit benchmark's latency A/B (started by audit-bench.ts):
//
//   node -r ./tools/register-ts.cjs test/bench/audit/gateway-runner.ts
//
// Configured from the environment like apps/gateway. With AUDIT_BENCH_WITHOUT_AUDIT=1 the audit
// hook admits without writing anything (no admission record, no wait before the answer, no
// completion record): everything else — auth, routing, policy, quota, usage — is identical, so the
// difference between the two processes is what the audit record adds.
import 'reflect-metadata';
import { AuditBatchWriter, GatewayAuditHooks, type GatewayAuditAdmission } from '@ai-commons/audit';
import { loadConfig } from '@ai-commons/config';
import { createGateway } from '@ai-commons/gateway-server';
import { JsonLogger } from '@ai-commons/observability';

async function main(): Promise<void> {
  if (process.env.AUDIT_BENCH_WITHOUT_AUDIT === '1') {
    GatewayAuditHooks.prototype.admit = () => ({ complete: () => undefined }) as unknown as GatewayAuditAdmission;
    GatewayAuditHooks.prototype.recordRefusal = () => undefined;
  }
  // How long each admission record took to commit (what a response may have to wait for).
  const commits: number[] = [];
  const appendDurable = AuditBatchWriter.prototype.appendDurable;
  AuditBatchWriter.prototype.appendDurable = function (event) {
    const started = performance.now();
    return appendDurable.call(this, event).then(() => void commits.push(performance.now() - started));
  };
  const config = loadConfig();
  const gateway = await createGateway(config, { logger: new JsonLogger('gateway', 'warn') });
  process.stdout.write(`${JSON.stringify({ event: 'gateway.ready', url: gateway.url })}\n`);
  process.on('SIGTERM', () => {
    const sorted = [...commits].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
    process.stdout.write(`${JSON.stringify({ event: 'audit.commit_stats', count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) })}\n`);
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway-runner failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
