/** One privileged statement the serving role tried, and what PostgreSQL answered. */
export interface ServingRoleAttempt {
  kind: 'alter' | 'disable-trigger' | 'set-role' | 'bypass-rls';
  statement: string;
  refused: boolean;
  sqlstate?: string;
  error?: string;
}

const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Allowed: statements that went through (the role could do it). Inconclusive: refused, but not for
 * lack of privilege (a syntax error or missing object proves nothing about what the role may do).
 */
export function judgeServingRoleAttempts(attempts: readonly ServingRoleAttempt[]): { allowed: string[]; inconclusive: string[]; summary: string } {
  const allowed = attempts.filter((attempt) => !attempt.refused).map((attempt) => attempt.statement);
  const inconclusive = attempts.filter((attempt) => attempt.refused && attempt.sqlstate !== INSUFFICIENT_PRIVILEGE).map((attempt) => attempt.statement);
  const counts = new Map<string, number>();
  for (const attempt of attempts) counts.set(attempt.kind, (counts.get(attempt.kind) ?? 0) + 1);
  const summary = [...counts].map(([kind, count]) => `${kind} ×${count}`).join(', ');
  return { allowed, inconclusive, summary };
}
