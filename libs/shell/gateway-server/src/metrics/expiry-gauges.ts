import type { Registry } from 'prom-client';
import { gaugeFrom } from '@ai-commons/observability';
import type { RoutingTable } from '../routing/routing-table';
import type { UseCaseSnapshot } from '@ai-commons/use-cases';

/** "Expiring" means within this window: the alert's horizon and the dashboards' count. */
export const EXPIRY_WINDOW_MS = 30 * 24 * 3_600_000;

export interface ExpiryFigures {
  /** Seconds until the soonest expiry (negative: overdue). */
  nextSeconds: number;
  /** How many expire within the window (overdue ones included). */
  expiring: number;
}

/** Per institution: the soonest expiry and how many fall within `windowMs` of `nowMs`. Pure. */
export function expiriesByInstitution(
  items: Iterable<{ institution: string; expiresAt: Date }>,
  nowMs: number,
  windowMs = EXPIRY_WINDOW_MS,
): Map<string, ExpiryFigures> {
  const figures = new Map<string, ExpiryFigures>();
  for (const { institution, expiresAt } of items) {
    const left = expiresAt.getTime() - nowMs;
    const current = figures.get(institution) ?? { nextSeconds: Infinity, expiring: 0 };
    figures.set(institution, { nextSeconds: Math.min(current.nextSeconds, left / 1000), expiring: current.expiring + (left <= windowMs ? 1 : 0) });
  }
  return figures;
}

/**
 * Regulatory deadlines the gateway holds in memory, read when scraped: approved use cases'
 * approval end (`valid_until`) and routed endpoints' authority confirmation end, by institution
 * (slug from the routing table; only institutions that have such a deadline have a sample).
 */
export function registerExpiryGauges(registry: Registry, table: () => RoutingTable, useCases: () => UseCaseSnapshot): void {
  const slug = (id: string) => table().institution(id)?.slug ?? 'unknown';
  const approvals = () => {
    const items: { institution: string; expiresAt: Date }[] = [];
    for (const useCase of useCases().useCases.values()) {
      if (useCase.state === 'approved' && useCase.validUntil) items.push({ institution: slug(useCase.tenantId), expiresAt: useCase.validUntil });
    }
    return expiriesByInstitution(items, Date.now());
  };
  const confirmations = () => {
    const items: { institution: string; expiresAt: Date }[] = [];
    for (const endpoint of table().endpoints()) {
      if (endpoint.state !== 'retired' && endpoint.authorityConfirmationExpiresAt)
        items.push({ institution: slug(endpoint.tenantId), expiresAt: endpoint.authorityConfirmationExpiresAt });
    }
    return expiriesByInstitution(items, Date.now());
  };
  const samples = (read: () => Map<string, ExpiryFigures>, field: keyof ExpiryFigures) => () =>
    [...read()].map(([institution, figures]) => ({ labels: { institution }, value: figures[field] }));
  gaugeFrom(
    registry,
    'ai_commons_use_case_approval_next_expiry_seconds',
    "Seconds until the institution's soonest use-case approval ends (negative: overdue)",
    samples(approvals, 'nextSeconds'),
    ['institution'],
  );
  gaugeFrom(registry, 'ai_commons_use_case_approvals_expiring', 'Approved use cases whose approval ends within 30 days', samples(approvals, 'expiring'), [
    'institution',
  ]);
  gaugeFrom(
    registry,
    'ai_commons_authority_confirmation_next_expiry_seconds',
    "Seconds until the soonest authority confirmation of the institution's endpoints ends (negative: overdue)",
    samples(confirmations, 'nextSeconds'),
    ['institution'],
  );
  gaugeFrom(
    registry,
    'ai_commons_authority_confirmations_expiring',
    'Endpoints whose authority confirmation ends within 30 days',
    samples(confirmations, 'expiring'),
    ['institution'],
  );
}
