import { randomBytes } from 'node:crypto';
import { withPg } from '@ai-commons/testing';
import { e2eDatabase } from './environment';

export interface PoolMemberFixture {
  slug: string;
  weightOverride?: number;
  lendingLimit?: Record<string, number>;
  borrowingLimit?: Record<string, number>;
  hardCap?: Record<string, number>;
  periodTokenBudget?: number;
}

export interface PoolFixture {
  name?: string;
  capacity: { tokensPerMinute: number; requestsPerMinute: number; concurrentRequests: number };
  headroom?: number;
  monthlyCostKrw?: string;
  endpointIds: string[];
  members: PoolMemberFixture[];
}

/** A capacity pool written directly as superuser (the GraphQL tests create theirs through the API). */
export async function createPoolFixture(fixture: PoolFixture): Promise<{ id: string; name: string }> {
  const name = fixture.name ?? `pool-${randomBytes(4).toString('hex')}`;
  return withPg(e2eDatabase().superuserUrl, async (client) => {
    await client.query('begin');
    const pool = await client.query(
      `insert into quota_pools (name, capacity_tokens_per_minute, capacity_requests_per_minute, capacity_concurrent_requests, headroom, monthly_cost_krw)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [
        name,
        fixture.capacity.tokensPerMinute,
        fixture.capacity.requestsPerMinute,
        fixture.capacity.concurrentRequests,
        fixture.headroom ?? 0.1,
        fixture.monthlyCostKrw ?? '0',
      ],
    );
    const id = pool.rows[0].id as string;
    for (const endpointId of fixture.endpointIds) {
      await client.query(`insert into quota_pool_endpoints (tenant_id, endpoint_id, pool_id) select tenant_id, id, $2 from endpoints where id = $1`, [
        endpointId,
        id,
      ]);
    }
    for (const member of fixture.members) {
      await client.query(
        `insert into quota_pool_members (tenant_id, pool_id, weight_override, lending_limit, borrowing_limit, hard_cap, period_token_budget)
         select i.id, $2, $3, $4, $5, $6, $7 from institutions i where i.slug = $1`,
        [
          member.slug,
          id,
          member.weightOverride ?? null,
          member.lendingLimit ?? {},
          member.borrowingLimit ?? {},
          member.hardCap ?? {},
          member.periodTokenBudget ?? null,
        ],
      );
    }
    await client.query('commit');
    return { id, name };
  });
}

/** Sends one chat completion with an API key; answers status, headers and the parsed body. */
export async function chat(
  gatewayUrl: string,
  apiKey: string,
  model: string,
  options: { maxTokens?: number; content?: string; signal?: AbortSignal } = {},
): Promise<{
  status: number;
  headers: Headers;
  body: {
    error?: { type: string; code: string; message: string; quota?: Record<string, unknown> };
    usage?: { prompt_tokens: number; completion_tokens: number };
  };
}> {
  const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: options.content ?? 'hi' }], max_tokens: options.maxTokens ?? 10 }),
    signal: options.signal,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as never };
}

/** A clock the test moves: quota admission reads it, so minutes pass in milliseconds. */
export class VirtualClock {
  constructor(public nowMs = Date.now()) {}
  readonly read = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}
