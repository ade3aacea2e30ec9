// The gateway's compact policy decision (the audit log's `policyDecision`), e.g.
// `mask:allow-otherwise@v1 rrn×1,card×1`, `allow`, or `deny:<code>`, read into its parts.

export interface PolicyDecision {
  decision: string;
  ruleId: string | null;
  policyVersion: number | null;
  findings: { detector: string; count: number }[];
}

export function parsePolicyDecision(compact: string | null | undefined): PolicyDecision | null {
  if (!compact) return null;
  const [head = '', findingsText = ''] = compact.split(' ', 2);
  const match = /^([a-z-]+)(?::([^@\s]+)(?:@v(\d+))?)?$/.exec(head);
  if (!match) return { decision: compact, ruleId: null, policyVersion: null, findings: [] };
  const findings = findingsText
    .split(',')
    .map((part) => /^([\w-]+)×(\d+)$/.exec(part))
    .filter((found): found is RegExpExecArray => found !== null)
    .map(([, detector, count]) => ({ detector: detector!, count: Number(count) }));
  return { decision: match[1]!, ruleId: match[2] ?? null, policyVersion: match[3] ? Number(match[3]) : null, findings };
}
