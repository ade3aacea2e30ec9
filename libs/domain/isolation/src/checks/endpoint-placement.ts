import { confirmationStatus, regionScope, type Classification } from '@ai-commons/policy';

/** Where an endpoint's offering runs, as the endpoint checks read it. */
export interface EndpointPlacement {
  region: string;
  network_zone: string;
  authority_confirmation_ref: string | null;
  authority_confirmation_expires_at: Date | null;
}

export function confirmationOf(placement: EndpointPlacement): { reference: string; expiresAt: Date } | undefined {
  return placement.authority_confirmation_ref && placement.authority_confirmation_expires_at
    ? { reference: placement.authority_confirmation_ref, expiresAt: placement.authority_confirmation_expires_at }
    : undefined;
}

/**
 * Why `classification` may not be processed at this placement, or undefined if it may: personal
 * credit data only in the home country inside the separated network; confidential data in the home
 * country, inside the separated network or on a cloud offering whose network-separation exception
 * the authority has confirmed (current at `now`).
 */
export function placementProblem(classification: Classification, placement: EndpointPlacement, homeRegion: string, now: Date): string | undefined {
  if (regionScope(placement.region, homeRegion) === 'foreign') return `region ${placement.region} is outside ${homeRegion}`;
  if (placement.network_zone === 'internal') return undefined;
  if (classification === 'personal-credit') return 'internet network zone';
  return confirmationStatus(confirmationOf(placement), now) === 'current' ? undefined : 'internet network zone without a current authority confirmation';
}
