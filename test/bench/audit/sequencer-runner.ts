// The audit sequencer in a process of its own, as a control plane runs it beside the gateways
// (started by audit-bench.ts):
//
//   DATABASE_APP_URL=… node -r ./tools/register-ts.cjs test/bench/audit/sequencer-runner.ts
//
// AUDIT_SEQUENCER_INTERVAL_MS and AUDIT_TREE_HEAD_INTERVAL_MS as in the servers; stops on SIGTERM.
import { AuditKeys, AuditSequencer } from '@ai-commons/audit';

const sequencer = new AuditSequencer({
  connectionString: process.env.DATABASE_APP_URL!,
  signingKey: AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'demo' }).signingKey,
  intervalMs: Number(process.env.AUDIT_SEQUENCER_INTERVAL_MS ?? 250),
  treeHeadIntervalMs: Number(process.env.AUDIT_TREE_HEAD_INTERVAL_MS ?? 1_000),
  heartbeatMs: 3_600_000,
  lockRetryMs: 200,
  logger: { event: (level, event, fields) => (level === 'error' ? process.stderr.write(`${event} ${JSON.stringify(fields)}\n`) : undefined) },
});
sequencer.start();
// The sequencer's timers do not keep a process alive (servers have their HTTP server for that).
const keepAlive = setInterval(() => undefined, 60_000);
process.stdout.write(`${JSON.stringify({ event: 'sequencer.ready', url: 'n/a' })}\n`);
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  sequencer.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
