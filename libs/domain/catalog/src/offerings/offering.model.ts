import type { Hosting, NetworkZone } from '@ai-commons/policy';
import type { CatalogStatus, ModelRecord } from '../models/model.model';

// Hostings and network zones have one definition, the policy engine's: an offering's facts are what
// the data-handling policy decides on.
export { HOSTINGS, NETWORK_ZONES } from '@ai-commons/policy';
export type { Hosting, NetworkZone };

/** The financial authority's confirmation that a cloud offering may be used, and until when. */
export interface AuthorityConfirmation {
  reference: string;
  expiresAt: Date;
}

export interface OfferingRecord {
  id: string;
  modelId: string;
  model: ModelRecord;
  hosting: Hosting;
  /** ISO 3166-1 alpha-2 country code. */
  region: string;
  networkZone: NetworkZone;
  operator: string;
  authorityConfirmation: AuthorityConfirmation | null;
  status: CatalogStatus;
  createdAt: Date;
  retiredAt: Date | null;
}

export interface RegisterOfferingCommand {
  modelId: string;
  hosting: Hosting;
  region: string;
  networkZone: NetworkZone;
  operator: string;
  authorityConfirmation?: { reference: string; expiresAt: Date } | null;
}

export interface OfferingFilter {
  modelId?: string;
  hosting?: Hosting;
  networkZone?: NetworkZone;
  region?: string;
  status?: CatalogStatus;
}
