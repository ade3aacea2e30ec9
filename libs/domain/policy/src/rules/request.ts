import type { Classification } from '../classification';
import type { EndpointFacts } from '../endpoint';
import type { InstitutionPiiSettings } from '../pii/pii-settings';

/** What the policy decides on. */
export interface PolicyRequest {
  /** Resolved from the request header or the API key's default (see resolveClassification). */
  readonly classification: Classification;
  /** The highest classification the institution may send at all. */
  readonly institutionCeiling: Classification;
  readonly endpoint: EndpointFacts;
}

/** A request as the gateway sees it: the policy inputs plus the institution's PII setting. */
export interface GatewayRequest extends PolicyRequest {
  readonly institutionPiiSettings?: InstitutionPiiSettings;
}
