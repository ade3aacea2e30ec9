import { QuotaError } from '../config/quota-errors';

/** Budget months and report days are in KST, like the gateway's budget periods. */
export const KST = 'Asia/Seoul';

/** A report or settlement period: from before to, at most 366 days (bounded work). */
export function checkRange(from: Date, to: Date): void {
  if (!(from < to) || to.getTime() - from.getTime() > 366 * 86_400_000) {
    throw new QuotaError('INVALID_DATE_RANGE', 'from must be before to, at most 366 days apart', { from, to });
  }
}
