import { RequestContext } from '@ai-commons/core';
import { PeriodicPass, type LeaderJob, type TenantDatabase } from '@ai-commons/database';
import type { JsonLogger } from '@ai-commons/observability';

const SYSTEM_SCOPE = { kind: 'cross-tenant', access: 'system', reason: 'usage recovery of a dead gateway' } as const;

/** Instances recovered per pass at most (each in its own transaction). */
const INSTANCES_PER_PASS = 10;

/**
 * The usage records a dead instance owed, from what was durable before it answered: its
 * `gateway.request.admitted` audit records (written before the caller hears anything) that have
 * no usage record with their call id. Each gets one, outcome `recovered`: the figures of the
 * call's `gateway.request.completed` record when that was written, else the admission's estimate
 * (prompt estimate + output allowance), what the quota store settles an unreconciled reservation
 * at — never less than the call can have used. Reads only admissions since the instance's last
 * `durable_before` (less a margin for clock steps), so a pass reads seconds of the log, not days.
 */
const RECOVER_INSTANCE = `
  with orphans as (
    select a.tenant_id, a.request_id, a.resource_id, a.endpoint, a.model, a.actor, a.details, a.occurred_at,
           (a.details->>'callId')::uuid as call_id
      from audit_events a
     where a.action = 'gateway.request.admitted'
       and a.occurred_at >= $2::timestamptz - make_interval(secs => $3::int / 1000.0)
       and a.details->>'gatewayInstanceId' = $1::text
       and a.details ? 'callId'
       and not exists (select 1 from usage_records u where u.call_id = (a.details->>'callId')::uuid)
  )
  insert into usage_records (tenant_id, request_id, endpoint_id, endpoint_name, model, api_key_id, principal_subject,
    prompt_tokens, completion_tokens, latency_ms, http_status, outcome, streamed, occurred_at, use_case_id, call_id)
  select o.tenant_id, o.request_id, o.resource_id::uuid, o.endpoint, o.model, (o.details->>'apiKeyId')::uuid, o.actor->>'subject',
         coalesce(c.prompt_tokens, (o.details->>'estimatedPromptTokens')::int, (o.details->>'estimatedTokens')::int),
         coalesce(c.completion_tokens, (o.details->>'estimatedTokens')::int - coalesce((o.details->>'estimatedPromptTokens')::int, (o.details->>'estimatedTokens')::int)),
         coalesce(c.latency_ms, 0), c.http_status, 'recovered', coalesce((o.details->>'stream')::boolean, false),
         coalesce(c.occurred_at, o.occurred_at), (o.details->>'useCaseId')::uuid, o.call_id
    from orphans o
    left join lateral (
      select e.prompt_tokens, e.completion_tokens, e.latency_ms, e.http_status, e.occurred_at
        from audit_events e
       where e.action = 'gateway.request.completed' and e.tenant_id = o.tenant_id and e.occurred_at >= o.occurred_at
         and e.details->>'callId' = o.call_id::text
       order by e.occurred_at
       limit 1
    ) c on true
  returning call_id`;

export interface UsageRecoveryOptions {
  /** An instance whose heartbeat is older than this is dead (GATEWAY_INSTANCE_DEAD_AFTER_MS). */
  deadAfterMs: number;
  /** Run every this many ms while leader (GATEWAY_USAGE_RECOVERY_MS). */
  intervalMs: number;
  /** Admissions this long before an instance's `durable_before` are read too (clock steps, in-flight margin). */
  marginMs?: number;
}

/**
 * Writes the usage records of gateways that died (SIGKILL, OOM, lost node) from their durable
 * admission records. Runs under advisory-lock leadership, once across gateways. Each instance is
 * recovered once, in one transaction that holds its `gateway_instances` row FOR UPDATE while the
 * instance's own usage flush holds it FOR SHARE: the two never write the same call, so no call
 * gets two records, and the records an instance wrote before it died are never repeated.
 */
export class UsageRecovery implements LeaderJob {
  private readonly periodic: PeriodicPass;

  constructor(
    private readonly db: TenantDatabase,
    private readonly options: UsageRecoveryOptions,
    private readonly logger: JsonLogger,
  ) {
    this.periodic = new PeriodicPass(options.intervalMs, () =>
      this.runOnce().then(
        () => undefined,
        (error: unknown) => this.logger.event('error', 'usage.recovery_failed', { error: (error as Error).message }),
      ),
    );
  }

  start(): void {
    this.periodic.start();
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** One pass: recovers every dead instance (up to a bound); answers what it wrote per instance. */
  async runOnce(): Promise<{ instanceId: string; records: number }[]> {
    const recovered: { instanceId: string; records: number }[] = [];
    for (let index = 0; index < INSTANCES_PER_PASS; index++) {
      const one = await RequestContext.run({ requestId: 'usage-recovery', tenantScope: SYSTEM_SCOPE }, () =>
        this.db.transaction(async (tx) => {
          const [instance]: { id: string; durable_before: Date }[] = await tx.query(
            `select id, durable_before from gateway_instances
              where stopped_at is null and recovered_at is null and last_seen_at < now() - make_interval(secs => $1::int / 1000.0)
              order by last_seen_at limit 1 for update skip locked`,
            [this.options.deadAfterMs],
          );
          if (!instance) return undefined;
          const written: unknown[] = await tx.query(RECOVER_INSTANCE, [instance.id, instance.durable_before, this.options.marginMs ?? 5_000]);
          await tx.query('update gateway_instances set recovered_at = now(), recovered_records = $2 where id = $1', [instance.id, written.length]);
          return { instanceId: instance.id, records: written.length };
        }),
      );
      if (!one) break;
      this.logger.event(one.records > 0 ? 'warn' : 'info', 'usage.recovered', one);
      recovered.push(one);
    }
    return recovered;
  }
}
