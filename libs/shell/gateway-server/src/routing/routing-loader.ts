import { RequestContext, type InstitutionStatus } from '@ai-commons/core';
import { CHANGES_CHANNEL, NotifiedReloader, TenantDatabase, postgresChangeListener } from '@ai-commons/database';
import { endpointCredentialContext, type CredentialCipher } from '@ai-commons/catalog';
import { isHosting, isNetworkZone } from '@ai-commons/policy';
import type { JsonLogger } from '@ai-commons/observability';
import { RoutingTable, type RouteApiKey, type RouteEndpoint, type RouteInstitution, type RouteTarget, type UpstreamDriver } from './routing-table';

const LOAD_SCOPE = { kind: 'cross-tenant', access: 'system', reason: 'gateway routing table' } as const;

interface EndpointRow {
  tenant_id: string;
  id: string;
  name: string;
  state: RouteEndpoint['state'];
  driver: UpstreamDriver;
  load_balancing: RouteEndpoint['loadBalancing'];
  upstream_model: string;
  azure_deployment: string | null;
  azure_api_version: string | null;
  credential_ciphertext: Buffer | null;
  credential_key_id: string | null;
  max_request_bytes: number;
  max_output_tokens: number;
  default_max_tokens: number;
  max_choices: number;
  allowed_extra_fields: string[];
  connect_timeout_ms: number;
  first_byte_timeout_ms: number;
  request_timeout_ms: number;
  image_input_tokens: number;
  hosting: string;
  region: string;
  network_zone: string;
  authority_confirmation_expires_at: Date | null;
  created_at: Date;
}

/**
 * Loads the routing table in the platform's `system` scope and keeps it current: a LISTEN on
 * `ai_commons_changes` triggers a (debounced) reload, and a periodic reload is the safety net. A
 * failed reload keeps serving the last good table; reloads failing for longer than
 * GATEWAY_ROUTING_STALE_AFTER_MS make the gateway not-ready (failingForMs).
 */
export class RoutingLoader extends NotifiedReloader<RoutingTable> {
  constructor(
    private readonly db: TenantDatabase,
    private readonly cipher: CredentialCipher,
    listenUrl: string,
    refreshMs: number,
    private readonly logger: JsonLogger,
  ) {
    super({ name: 'routing', listen: postgresChangeListener(listenUrl, CHANGES_CHANNEL), describe: (table) => table.size, refreshMs, logger });
  }

  table(): RoutingTable {
    const table = this.current();
    if (!table) throw new Error('routing table not loaded');
    return table;
  }

  get loaded(): boolean {
    return this.current() !== undefined;
  }

  protected load(): Promise<RoutingTable> {
    return RequestContext.run({ requestId: 'routing-load', tenantScope: LOAD_SCOPE }, () =>
      this.db.transaction(async (tx) => {
        const endpointRows: EndpointRow[] = await tx.query(`
          select e.*, o.hosting, o.region, o.network_zone, o.authority_confirmation_expires_at
          from endpoints e join model_offerings o on o.id = e.offering_id
          where e.state in ('active', 'draining')`);
        const targetRows: { endpoint_id: string; id: string; url: string; weight: number }[] = await tx.query(
          `select endpoint_id, id, url, weight from endpoint_targets where state = 'active' order by endpoint_id, created_at, id`,
        );
        const targetsByEndpoint = new Map<string, RouteTarget[]>();
        for (const row of targetRows) {
          let list = targetsByEndpoint.get(row.endpoint_id);
          if (!list) targetsByEndpoint.set(row.endpoint_id, (list = []));
          list.push(Object.freeze({ id: row.id, url: new URL(row.url), weight: row.weight }));
        }
        const keyRows: {
          tenant_id: string;
          id: string;
          secret_hash: Buffer;
          endpoint_ids: string[] | null;
          default_classification: string;
          expires_at: Date | null;
          revoked_at: Date | null;
        }[] =
          // Only keys that can authenticate: a revoked or expired key is not held in memory at all
          // (a key expiring while loaded is still refused by its expiresAt).
          await tx.query(`select tenant_id, id, secret_hash, endpoint_ids, default_classification, expires_at, revoked_at from api_keys
            where revoked_at is null and (expires_at is null or expires_at > now())`);
        const institutionRows: { id: string; slug: string; status: InstitutionStatus; data_classification_ceiling: string; floor: string | null }[] =
          await tx.query(`
            select i.id, i.slug, i.status, i.data_classification_ceiling, f.floor
            from institutions i left join institution_classification_floors f on f.tenant_id = i.id`);

        const endpoints: RouteEndpoint[] = [];
        for (const row of endpointRows) {
          const { hosting, network_zone: networkZone } = row;
          if (!isHosting(hosting) || !isNetworkZone(networkZone)) {
            // The policy cannot judge an endpoint whose facts it does not know: left out (fail closed).
            this.logger.event('error', 'routing.endpoint_facts_unknown', { endpointId: row.id, hosting, networkZone });
            continue;
          }
          const targets = targetsByEndpoint.get(row.id);
          if (!targets) {
            // Every target is draining: nowhere to send a request, so the model is not offered.
            this.logger.event('warn', 'routing.endpoint_without_targets', { endpointId: row.id });
            continue;
          }
          let credential: string | null = null;
          if (row.credential_ciphertext && row.credential_key_id) {
            try {
              credential = this.cipher.decrypt(
                { ciphertext: row.credential_ciphertext, keyId: row.credential_key_id },
                endpointCredentialContext(row.tenant_id, row.id),
              );
            } catch (error) {
              // An endpoint whose credential cannot be read is left out rather than called without it.
              this.logger.event('error', 'routing.credential_unreadable', { endpointId: row.id, error: (error as Error).message });
              continue;
            }
          }
          endpoints.push({
            tenantId: row.tenant_id,
            id: row.id,
            name: row.name,
            state: row.state,
            driver: row.driver,
            targets: Object.freeze(targets),
            loadBalancing: row.load_balancing,
            upstreamModel: row.upstream_model,
            azureDeployment: row.azure_deployment,
            azureApiVersion: row.azure_api_version,
            credential,
            maxRequestBytes: row.max_request_bytes,
            maxOutputTokens: row.max_output_tokens,
            defaultMaxTokens: row.default_max_tokens,
            maxChoices: row.max_choices,
            allowedExtraFields: Object.freeze([...row.allowed_extra_fields]),
            connectTimeoutMs: row.connect_timeout_ms,
            firstByteTimeoutMs: row.first_byte_timeout_ms,
            requestTimeoutMs: row.request_timeout_ms,
            imageInputTokens: row.image_input_tokens,
            hosting,
            region: row.region,
            networkZone,
            authorityConfirmationExpiresAt: row.authority_confirmation_expires_at,
            createdAt: row.created_at,
          });
        }
        const apiKeys = keyRows.map((row) => ({
          hashHex: row.secret_hash.toString('hex'),
          key: {
            tenantId: row.tenant_id,
            id: row.id,
            endpointIds: row.endpoint_ids,
            defaultClassification: row.default_classification,
            expiresAt: row.expires_at,
            revoked: row.revoked_at !== null,
          } satisfies RouteApiKey,
        }));
        const institutions: RouteInstitution[] = institutionRows.map((row) => ({
          id: row.id,
          slug: row.slug,
          status: row.status,
          dataClassificationCeiling: row.data_classification_ceiling,
          dataClassificationFloor: row.floor,
        }));
        return new RoutingTable(endpoints, apiKeys, institutions);
      }),
    );
  }
}
