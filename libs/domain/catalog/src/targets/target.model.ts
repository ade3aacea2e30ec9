import type { EndpointHealth } from '../endpoints/endpoint.model';

/** `active` takes new requests; `draining` finishes what it has and takes none (then it can be removed). */
export const TARGET_STATES = ['active', 'draining'] as const;
export type TargetState = (typeof TARGET_STATES)[number];

/** How the gateway spreads an endpoint's requests over its targets. */
export const LOAD_BALANCING_MODES = ['least-outstanding', 'round-robin', 'prefix-affinity'] as const;
export type LoadBalancing = (typeof LOAD_BALANCING_MODES)[number];

/** One upstream replica of an endpoint. */
export interface EndpointTargetRecord {
  id: string;
  endpointId: string;
  /** Base URL of the replica, without /v1 (the endpoint upstream URL rules). */
  url: string;
  /** Share of new requests relative to the other active targets (1-1000). */
  weight: number;
  state: TargetState;
  health: EndpointHealth;
  healthCheckedAt: Date | null;
  healthDetail: string | null;
  createdAt: Date;
  updatedAt: Date;
}
