/** How an offering's authority confirmation stands: cloud offerings need one that has not expired. */
export type AuthorityStanding = 'none' | 'valid' | 'expiring' | 'expired';

const DAY_MS = 86_400_000;
export const EXPIRY_WARNING_DAYS = 30;

export function authorityStanding(expiresAt: string | null | undefined, now: Date): { standing: AuthorityStanding; daysLeft: number | null } {
  if (!expiresAt) return { standing: 'none', daysLeft: null };
  const left = new Date(expiresAt).getTime() - now.getTime();
  if (Number.isNaN(left)) return { standing: 'none', daysLeft: null };
  const daysLeft = Math.floor(left / DAY_MS);
  if (left <= 0) return { standing: 'expired', daysLeft };
  return { standing: daysLeft < EXPIRY_WARNING_DAYS ? 'expiring' : 'valid', daysLeft };
}
