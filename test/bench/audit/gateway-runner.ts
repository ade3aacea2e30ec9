// One gateway process for the audit benchmark's latency A/B (started by audit-bench.ts):
//
//   node -r ./tools/register-ts.cjs test/bench/audit/gateway-runner.ts
//
// Configured from the environment like apps/gateway. With AUDIT_BENCH_WITHOUT_AUDIT=1 the audit
// hook admits without writing anything (no admission record, no wait before the answer, no
// completion record): everything else — auth, routing, policy, quota, usage — is identical, so the
// difference between the two processes is what the audit record adds.
import 'reflect-metadata';
import { GatewayAuditHooks, type GatewayAuditAdmission } from '@ai-commons/audit';
import { loadConfig } from '@ai-commons/config';
import { createGateway } from '@ai-commons/gateway-server';
import { JsonLogger } from '@ai-commons/observability';

async function main(): Promise<void> {
  if (process.env.AUDIT_BENCH_WITHOUT_AUDIT === '1') {
    GatewayAuditHooks.prototype.admit = async () => ({ complete: () => undefined }) as unknown as GatewayAuditAdmission;
    GatewayAuditHooks.prototype.recordRefusal = () => undefined;
  }
  const config = loadConfig();
  const gateway = await createGateway(config, { logger: new JsonLogger('gateway', 'warn') });
  process.stdout.write(`${JSON.stringify({ event: 'gateway.ready', url: gateway.url })}\n`);
  process.on('SIGTERM', () => {
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
