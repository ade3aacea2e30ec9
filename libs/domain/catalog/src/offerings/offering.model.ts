import type { CatalogStatus, ModelRecord } from '../models/model.model';

/** Where the model behind an offering runs (the same values as the policy engine's `Hosting`). */
export const HOSTINGS = ['shared-infrastructure', 'dedicated-on-premises', 'cloud-commercial'] as const;
export type Hosting = (typeof HOSTINGS)[number];

/** `internal`: inside the institutions' separated network (망분리); `internet`: outside it. */
export const NETWORK_ZONES = ['internal', 'internet'] as const;
export type NetworkZone = (typeof NETWORK_ZONES)[number];

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
