import { TenantScopes } from '@ai-commons/database';
import { Inject, Injectable, Optional, type BeforeApplicationShutdown } from '@nestjs/common';
import { AUDIT_ACTIONS, AUDIT_SINK, type AuditSink } from '@ai-commons/core';
import { CREDENTIAL_CIPHER, type CredentialCipher } from '../credentials';
import { openEndpointCredential } from '../endpoints/endpoint-credential';
import type { EndpointHealth, UpstreamDriver } from '../endpoints/endpoint.model';
import type { TargetState } from '../targets/target.model';
import { outcomeOfError, outcomeOfResponse, probeHeaders, probeUrl, type ProbeOutcome } from './probe-request';
import { endpointHealthOf, type TargetProbe } from './replica-health';

export const HEALTH_PROBE_TIMEOUT_MS = 5_000;
const CONCURRENCY = 8;

/** An endpoint's health after a round, from its targets' probes (each target's outcome in `targets`). */
export interface ProbeResult extends ProbeOutcome {
  tenantId: string;
  endpointId: string;
  previous: EndpointHealth;
  targets: Array<ProbeOutcome & { targetId: string }>;
}

/** One target with what probing it needs from its endpoint. */
interface ProbeRow {
  tenant_id: string;
  endpoint_id: string;
  target_id: string;
  target_state: TargetState;
  driver: UpstreamDriver;
  url: string;
  azure_api_version: string | null;
  endpoint_health: EndpointHealth;
  credential_ciphertext: Buffer | null;
  credential_key_id: string | null;
}

/**
 * Periodically checks every endpoint that is not retired: a platform service running in the
 * `system` cross-tenant scope. It reads the endpoints' targets (replicas), probes each outside any
 * transaction (with the endpoint's own credential, never logged), then records each target's
 * health and the endpoint's (healthy while an active replica is: endpointHealthOf) in one
 * transaction; a change of an endpoint's health is audited.
 */
@Injectable()
export class EndpointHealthProber implements BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private scheduled?: Promise<unknown>;
  /** Rounds in flight (scheduled or called directly), each with its way to cancel its probes. */
  private readonly rounds = new Map<Promise<unknown>, AbortController>();
  private roundCount = 0;

  constructor(
    private readonly scopes: TenantScopes,
    @Inject(CREDENTIAL_CIPHER) private readonly cipher: CredentialCipher,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  /** Probes now and then every `intervalMs` (0 disables it). Idempotent. */
  start(intervalMs: number, onError: (error: unknown) => void = () => undefined): void {
    if (this.timer || intervalMs <= 0) return;
    const tick = () => {
      if (this.scheduled) return; // a slow round is never overlapped
      this.scheduled = this.probeAll()
        .catch(onError)
        .finally(() => (this.scheduled = undefined));
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    tick();
  }

  /** Stops the schedule, cancels probes in flight and waits for their rounds to finish. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const abort of this.rounds.values()) abort.abort();
    await Promise.allSettled([...this.rounds.keys()]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  get isRunning(): boolean {
    return this.timer !== undefined;
  }

  /** One round over every endpoint that is not retired; cancelled (and not recorded) by `stop`. */
  probeAll(timeoutMs = HEALTH_PROBE_TIMEOUT_MS): Promise<ProbeResult[]> {
    const abort = new AbortController();
    const round = this.round(++this.roundCount, timeoutMs, abort.signal);
    this.rounds.set(round, abort);
    void round.catch(() => undefined).finally(() => this.rounds.delete(round));
    return round;
  }

  private async round(round: number, timeoutMs: number, stop: AbortSignal): Promise<ProbeResult[]> {
    const rows = await this.scopes.runAsSystem(
      `health-probe-${round}`,
      'endpoint health probe',
      (tx) =>
        tx.query(
          `select e.tenant_id, e.id as endpoint_id, t.id as target_id, t.state as target_state, e.driver, t.url, e.azure_api_version,
                e.health as endpoint_health, e.credential_ciphertext, e.credential_key_id
           from endpoints e join endpoint_targets t on t.tenant_id = e.tenant_id and t.endpoint_id = e.id
           where e.state <> 'retired' order by e.tenant_id, e.id, t.created_at, t.id`,
        ) as Promise<ProbeRow[]>,
    );
    if (rows.length === 0 || stop.aborted) return [];
    const outcomes = new Array<ProbeOutcome>(rows.length);
    let next = 0;
    const worker = async () => {
      while (next < rows.length && !stop.aborted) {
        const index = next++;
        outcomes[index] = await this.probe(rows[index], timeoutMs, stop);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rows.length) }, worker));
    if (stop.aborted) return [];
    const results = byEndpoint(rows, outcomes);
    await this.record(round, rows, outcomes, results);
    return results;
  }

  private async probe(row: ProbeRow, timeoutMs: number, stop: AbortSignal): Promise<ProbeOutcome> {
    let credential: string | undefined;
    if (row.credential_ciphertext && row.credential_key_id) {
      try {
        credential = openEndpointCredential(this.cipher, row.tenant_id, row.endpoint_id, {
          ciphertext: row.credential_ciphertext,
          keyId: row.credential_key_id,
        });
      } catch {
        return { health: 'unhealthy', detail: 'stored credential could not be decrypted' };
      }
    }
    const started = performance.now();
    try {
      const response = await fetch(probeUrl({ driver: row.driver, upstreamUrl: row.url, azureApiVersion: row.azure_api_version }), {
        method: 'GET',
        headers: probeHeaders(row.driver, credential),
        redirect: 'manual',
        signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
      });
      await response.body?.cancel().catch(() => undefined);
      return outcomeOfResponse(response.status, performance.now() - started);
    } catch (error) {
      return outcomeOfError(error, timeoutMs);
    }
  }

  private async record(round: number, rows: ProbeRow[], outcomes: ProbeOutcome[], results: ProbeResult[]): Promise<void> {
    await this.scopes.runAsSystem(`health-probe-${round}`, 'endpoint health probe results', async (tx) => {
      await tx.query(
        `update endpoint_targets t set health = r.health, health_detail = r.detail, health_checked_at = now()
         from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) as r(tenant_id, id, health, detail)
         where t.tenant_id = r.tenant_id and t.id = r.id`,
        [rows.map((row) => row.tenant_id), rows.map((row) => row.target_id), outcomes.map((o) => o.health), outcomes.map((o) => o.detail)],
      );
      await tx.query(
        `update endpoints e set health = r.health, health_detail = r.detail, health_checked_at = now()
         from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) as r(tenant_id, id, health, detail)
         where e.tenant_id = r.tenant_id and e.id = r.id and e.state <> 'retired'`,
        [
          results.map((result) => result.tenantId),
          results.map((result) => result.endpointId),
          results.map((result) => result.health),
          results.map((result) => result.detail),
        ],
      );
      if (!this.audit) return;
      for (const result of results.filter((r) => r.health !== r.previous)) {
        // tenant_id stays empty: the system scope appends platform events only.
        await this.audit.record(
          {
            action: AUDIT_ACTIONS.endpointHealthChange,
            resourceType: 'endpoint',
            resourceId: result.endpointId,
            outcome: 'success',
            details: { institutionId: result.tenantId, from: result.previous, to: result.health, detail: result.detail },
          },
          tx,
        );
      }
    });
  }
}

/** The rows (targets, grouped by endpoint in order) and their outcomes, as one result per endpoint. */
function byEndpoint(rows: ProbeRow[], outcomes: ProbeOutcome[]): ProbeResult[] {
  const results: ProbeResult[] = [];
  let start = 0;
  while (start < rows.length) {
    let end = start;
    while (end < rows.length && rows[end].endpoint_id === rows[start].endpoint_id) end++;
    const probes: TargetProbe[] = [];
    const targets: ProbeResult['targets'] = [];
    for (let index = start; index < end; index++) {
      probes.push({ ...outcomes[index], state: rows[index].target_state });
      targets.push({ targetId: rows[index].target_id, ...outcomes[index] });
    }
    const row = rows[start];
    results.push({ tenantId: row.tenant_id, endpointId: row.endpoint_id, previous: row.endpoint_health, ...endpointHealthOf(probes), targets });
    start = end;
  }
  return results;
}
