/** Where the model behind an endpoint runs. */
export const HOSTINGS = ['shared-infrastructure', 'dedicated-on-premises', 'cloud-commercial'] as const;
export type Hosting = (typeof HOSTINGS)[number];

/** `internal`: reachable only inside the separated network (망분리); `internet`: outside it. */
export const NETWORK_ZONES = ['internal', 'internet'] as const;
export type NetworkZone = (typeof NETWORK_ZONES)[number];

/** For values read from storage or the wire: the one way from `string` to `Hosting` (no casts). */
export function isHosting(value: unknown): value is Hosting {
  return (HOSTINGS as readonly unknown[]).includes(value);
}

export function isNetworkZone(value: unknown): value is NetworkZone {
  return (NETWORK_ZONES as readonly unknown[]).includes(value);
}

/** An endpoint's region relative to the policy's home region. */
export const REGION_SCOPES = ['domestic', 'foreign'] as const;
export type RegionScope = (typeof REGION_SCOPES)[number];

/** Whether the financial authority's confirmation holds at request time. */
export const CONFIRMATION_STATUSES = ['none', 'current', 'expired'] as const;
export type ConfirmationStatus = (typeof CONFIRMATION_STATUSES)[number];

/** The financial authority's confirmation that an endpoint may be used (e.g. a sandbox designation). */
export interface AuthorityConfirmation {
  readonly reference: string;
  readonly expiresAt: Date;
}

export interface EndpointFacts {
  readonly hosting: Hosting;
  /** ISO 3166-1 alpha-2 country code of the region the model runs in. */
  readonly region: string;
  readonly networkZone: NetworkZone;
  readonly authorityConfirmation?: AuthorityConfirmation;
}

/**
 * `current` strictly before `expiresAt`. A confirmation without a reference is no confirmation,
 * and an unreadable expiry counts as expired: both fail closed.
 */
export function confirmationStatus(confirmation: AuthorityConfirmation | undefined, now: Date): ConfirmationStatus {
  if (confirmation === undefined || confirmation === null) return 'none';
  if (typeof confirmation.reference !== 'string' || confirmation.reference.trim() === '') return 'none';
  const expiresAt = confirmation.expiresAt instanceof Date ? confirmation.expiresAt.getTime() : Number.NaN;
  if (Number.isNaN(expiresAt) || Number.isNaN(now.getTime())) return 'expired';
  return now.getTime() < expiresAt ? 'current' : 'expired';
}

/** Region codes compare case-insensitively; anything that is not the home region is foreign. */
export function regionScope(region: string, homeRegion: string): RegionScope {
  return typeof region === 'string' && region.trim().toUpperCase() === homeRegion ? 'domestic' : 'foreign';
}
