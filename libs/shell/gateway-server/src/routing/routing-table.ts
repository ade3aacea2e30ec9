import type { InstitutionStatus } from '@ai-commons/core';
import type { LoadBalancing, UpstreamDriver } from '@ai-commons/catalog';
import type { Hosting, NetworkZone } from '@ai-commons/policy';

export type { UpstreamDriver };

/** An active upstream replica of an endpoint (draining ones take no new requests: not loaded). */
export interface RouteTarget {
  id: string;
  url: URL;
  weight: number;
}

export interface RouteEndpoint {
  tenantId: string;
  id: string;
  name: string;
  state: 'provisioning' | 'active' | 'draining' | 'retired';
  driver: UpstreamDriver;
  /** Its active replicas, oldest first (never empty: an endpoint without one is not routed). */
  targets: readonly RouteTarget[];
  loadBalancing: LoadBalancing;
  upstreamModel: string;
  azureDeployment: string | null;
  azureApiVersion: string | null;
  /** Decrypted when the table is loaded, so decryption never sits on the request path. */
  credential: string | null;
  maxRequestBytes: number;
  maxOutputTokens: number;
  defaultMaxTokens: number;
  /** The largest `n` (completions per request) accepted. */
  maxChoices: number;
  /** Request fields forwarded beyond the driver's allow-list (see upstream/forwarded-fields). */
  allowedExtraFields: readonly string[];
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  requestTimeoutMs: number;
  /** Tokens one image (or audio, file part) costs in the admission estimate. */
  imageInputTokens: number;
  hosting: Hosting;
  region: string;
  networkZone: NetworkZone;
  authorityConfirmationExpiresAt: Date | null;
  createdAt: Date;
}

export interface RouteApiKey {
  tenantId: string;
  id: string;
  endpointIds: string[] | null;
  defaultClassification: string;
  expiresAt: Date | null;
  revoked: boolean;
}

export interface RouteInstitution {
  id: string;
  slug: string;
  status: InstitutionStatus;
  dataClassificationCeiling: string;
  /** The lowest classification any of its requests may carry (null: only each API key's default). */
  dataClassificationFloor: string | null;
}

/**
 * Everything the gateway needs to authenticate and route a request, in memory. Rebuilt as a whole
 * and swapped atomically when the database reports a change, so readers never see a half update.
 */
export class RoutingTable {
  private readonly endpointsByTenant = new Map<string, Map<string, RouteEndpoint>>();
  private readonly apiKeysByHash = new Map<string, RouteApiKey>();
  private readonly institutionsById = new Map<string, RouteInstitution>();
  private readonly institutionsBySlug = new Map<string, RouteInstitution>();

  constructor(
    endpoints: RouteEndpoint[],
    apiKeys: { hashHex: string; key: RouteApiKey }[],
    institutions: RouteInstitution[],
    readonly loadedAt = new Date(),
  ) {
    for (const endpoint of endpoints) {
      let byName = this.endpointsByTenant.get(endpoint.tenantId);
      if (!byName) this.endpointsByTenant.set(endpoint.tenantId, (byName = new Map()));
      byName.set(endpoint.name, endpoint);
    }
    for (const { hashHex, key } of apiKeys) this.apiKeysByHash.set(hashHex, key);
    for (const institution of institutions) {
      this.institutionsById.set(institution.id, institution);
      this.institutionsBySlug.set(institution.slug, institution);
    }
  }

  /** The caller's own endpoint by name; another institution's endpoints are simply not there. */
  endpoint(tenantId: string, name: string): RouteEndpoint | undefined {
    return this.endpointsByTenant.get(tenantId)?.get(name);
  }

  endpointsOf(tenantId: string): RouteEndpoint[] {
    return [...(this.endpointsByTenant.get(tenantId)?.values() ?? [])];
  }

  /** Every routed endpoint (the metrics' scrape-time gauges; never the request path). */
  *endpoints(): IterableIterator<RouteEndpoint> {
    for (const byName of this.endpointsByTenant.values()) yield* byName.values();
  }

  apiKey(hashHex: string): RouteApiKey | undefined {
    return this.apiKeysByHash.get(hashHex);
  }

  institution(id: string): RouteInstitution | undefined {
    return this.institutionsById.get(id);
  }

  institutionBySlug(slug: string): RouteInstitution | undefined {
    return this.institutionsBySlug.get(slug);
  }

  get size(): { endpoints: number; apiKeys: number; institutions: number } {
    let endpoints = 0;
    for (const byName of this.endpointsByTenant.values()) endpoints += byName.size;
    return { endpoints, apiKeys: this.apiKeysByHash.size, institutions: this.institutionsById.size };
  }
}
