import { VerificationCheck, VerificationReport } from '@ai-commons/audit-proofs';

const MARK: Record<VerificationCheck['status'], string> = { pass: '✔', fail: '✘', warn: '⚠' };

/** The human-readable report: one line per check, its failures indented under it, then the verdict. */
export function formatReport(report: VerificationReport, bundleDir: string): string {
  const lines = [
    `Audit bundle ${bundleDir}`,
    `  scope:            ${report.scope === 'full' ? 'full export (gap-free leaf range)' : 'filtered export'}`,
    `  institution:      ${report.institution ?? 'all institutions'}`,
    ...report.pinnedKeyIds.map((keyId, i) => `  ${i === 0 ? 'pinned key id:  ' : '                '}  ${keyId}`),
    `  latest tree size: ${report.latestTreeSize ?? 'unknown'}`,
    '',
  ];
  for (const check of report.checks) {
    lines.push(`${MARK[check.status]} ${check.title}`, `    ${check.details}`);
    const failures = report.failures.filter((failure) => failure.check === check.id);
    for (const failure of failures) lines.push(`    ✘ ${failure.code}: ${failure.message}`);
    if (check.failureCount > failures.length) lines.push(`    … and ${check.failureCount - failures.length} more failures of this check`);
  }
  for (const warning of report.warnings) lines.push(`⚠ ${warning.code}: ${warning.message}`);

  const seconds = report.durationMs / 1000;
  const rate = seconds > 0 ? Math.round(report.counts.events / seconds) : report.counts.events;
  const totalFailures = report.failures.length + report.suppressedFailureCount;
  lines.push(
    '',
    report.ok
      ? `VERIFIED: ${report.counts.events} events, ${report.counts.treeHeads} signed tree heads (${seconds.toFixed(2)} s, ${rate} events/s)`
      : `FAILED: ${totalFailures} problem${totalFailures === 1 ? '' : 's'} in ${report.checks.filter((c) => c.status === 'fail').length} checks (${seconds.toFixed(2)} s)`,
  );
  return `${lines.join('\n')}\n`;
}
