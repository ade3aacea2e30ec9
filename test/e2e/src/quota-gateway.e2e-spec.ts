import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import type { Gateway } from '@ai-commons/gateway-server';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { memberUsage } from '@ai-commons/quota-allocator';
import { withPg } from '@ai-commons/testing';
import { e2eDatabase, eventually, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { apiKeyHashHex, createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { chat, createPoolFixture, VirtualClock, type PoolFixture } from './support/quota-fixtures';

const SLUGS = ['hanbit-bank', 'nuri-insurance', 'gaon-securities'] as const;
type Slug = (typeof SLUGS)[number];
const WEIGHTS: Record<Slug, number> = { 'hanbit-bank': 0.5, 'nuri-insurance': 0.3, 'gaon-securities': 0.2 };

describe('quota admission in the gateway (in-process store, model simulator)', () => {
  let controlPlane: ControlPlane;
  let simulator: SimulatorProcess;
  let gateway: Gateway;
  const clock = new VirtualClock();
  const keys = {} as Record<Slug, string>;
  const tenants = {} as Record<Slug, string>;
  const run = randomBytes(3).toString('hex');

  /** One endpoint per institution for a new pool; answers the model name to call. */
  async function pool(label: string, spec: Omit<PoolFixture, 'endpointIds'>, slugs: readonly Slug[] = SLUGS) {
    const model = `q-${label}-${run}`;
    const endpointIds: string[] = [];
    for (const slug of slugs) {
      endpointIds.push(
        (
          await createEndpointFixture({
            tenantSlug: slug,
            name: model,
            upstreamUrl: simulator.url,
            upstreamModel: 'sim-llama',
            limits: { max_output_tokens: 4096, default_max_tokens: 64, max_choices: 32 },
          })
        ).id,
      );
    }
    const created = await createPoolFixture({ ...spec, endpointIds });
    await eventually(
      () => gateway.quota.loader.table()?.pool(created.id) !== undefined && endpointIds.every((id) => gateway.quota.loader.table()?.poolForEndpoint(id)),
    );
    await eventually(() => slugs.every((slug) => gateway.routing.table().endpoint(tenants[slug], model) !== undefined));
    return { model, id: created.id, policy: () => gateway.quota.loader.table()!.pool(created.id)!.policy };
  }

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    simulator = await startSimulatorProcess(['--models', 'sim-llama', '--output-tokens', '10']);
    await withPg(e2eDatabase().superuserUrl, async (client) => {
      for (const row of (await client.query(`select id, slug from institutions where slug = any($1)`, [SLUGS])).rows) tenants[row.slug as Slug] = row.id;
    });
    for (const slug of SLUGS) keys[slug] = (await createApiKeyFixture(slug)).secret;
    gateway = await startGateway({ QUOTA_STORE: 'memory', QUOTA_BUCKET_MS: '5000', QUOTA_LEASE_TTL_MS: '30000' }, { quotaClock: clock.read });
    await eventually(() => SLUGS.every((slug) => gateway.routing.table().apiKey(apiKeyHashHex(keys[slug])) !== undefined));
  });
  afterAll(async () => {
    await gateway?.close();
    await simulator?.stop();
    await controlPlane?.close();
  });

  /** Each tick: every demanding institution sends `perTick` requests at once, then a virtual second passes. */
  async function drive(model: string, ticks: number, demand: Partial<Record<Slug, number>>, tickMs = 1_000) {
    const admitted: Record<Slug, number[]> = { 'hanbit-bank': [], 'nuri-insurance': [], 'gaon-securities': [] };
    const refusals: { slug: Slug; status: number; bound?: unknown }[] = [];
    for (let tick = 0; tick < ticks; tick++) {
      const entries = Object.entries(demand) as [Slug, number][];
      const results = await Promise.all(
        entries.flatMap(([slug, perTick]) => Array.from({ length: perTick }, () => chat(gateway.url, keys[slug], model).then((answer) => ({ slug, answer })))),
      );
      for (const [slug] of entries) admitted[slug].push(results.filter((result) => result.slug === slug && result.answer.status === 200).length);
      for (const { slug, answer } of results) {
        if (answer.status !== 200) refusals.push({ slug, status: answer.status, bound: answer.body.error?.quota?.bound });
      }
      clock.advance(tickMs);
    }
    return { admitted, refusals };
  }

  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

  it('gives three institutions under contention their investment-weighted shares', async () => {
    const { model } = await pool('contention', {
      capacity: { tokensPerMinute: 10_000_000, requestsPerMinute: 60, concurrentRequests: 100 },
      headroom: 0.1,
      members: SLUGS.map((slug) => ({ slug })),
    });
    // 4 virtual minutes, each institution demanding 120 requests/min against a pool of 60.
    const { admitted } = await drive(model, 240, { 'hanbit-bank': 2, 'nuri-insurance': 2, 'gaon-securities': 2 });
    // Steady state: the last three minutes.
    const steady = Object.fromEntries(SLUGS.map((slug) => [slug, sum(admitted[slug].slice(60))])) as Record<Slug, number>;
    const total = sum(Object.values(steady));
    // Never above capacity: 3 minutes × 60, plus at most one bucket's worth forgotten late per minute is impossible
    // (every admission is counted a full minute), so ≤ 180 exactly.
    expect(total).toBeLessThanOrEqual(180);
    // Sustained throughput ≥ capacity less one bucket per window (5 s of 60: 7.7 %) less rounding.
    expect(total).toBeGreaterThanOrEqual(180 * 0.9);
    for (const slug of SLUGS) {
      const share = steady[slug] / total;
      // Within the fairness band: hysteresis 10 % of the weight plus a request or two per minute.
      expect(Math.abs(share - WEIGHTS[slug])).toBeLessThanOrEqual(WEIGHTS[slug] * 0.1 + 2 / 60);
    }
  });

  it('lends idle capacity to a borrower and reclaims it for the owner within a window and a bucket', async () => {
    const { model } = await pool('reclaim', {
      capacity: { tokensPerMinute: 10_000_000, requestsPerMinute: 60, concurrentRequests: 100 },
      headroom: 0.1,
      members: SLUGS.map((slug) => ({ slug })),
    });
    // Gaon alone (weight 0.2, guarantee 10.8/min) borrows the idle capacity.
    const alone = await drive(model, 90, { 'gaon-securities': 2 });
    const lastMinute = sum(alone.admitted['gaon-securities'].slice(30));
    expect(lastMinute).toBeGreaterThan(0.2 * 0.9 * 60 * 3); // well above its guarantee
    expect(lastMinute).toBeLessThanOrEqual(60);
    // Hanbit (guarantee 27/min) starts: its claim stops borrowing into its share.
    const contested = await drive(model, 130, { 'hanbit-bank': 2, 'gaon-securities': 2 });
    const gaonRefusedBy = new Set(contested.refusals.filter((refusal) => refusal.slug === 'gaon-securities').map((refusal) => refusal.bound));
    expect([...gaonRefusedBy].some((bound) => bound === 'reclaim' || bound === 'fair_share')).toBe(true);
    // Reclaim bound: from 65 virtual seconds after it started, hanbit gets at least its guarantee
    // (27/min) in any minute, less what the window may count one bucket late (5 s of 65) and a request.
    const hanbitAfterReclaim = sum(contested.admitted['hanbit-bank'].slice(65, 125));
    expect(hanbitAfterReclaim).toBeGreaterThanOrEqual(Math.floor((0.5 * 0.9 * 60 * 60) / 65) - 1);
    const gaonAfterReclaim = sum(contested.admitted['gaon-securities'].slice(65, 125));
    expect(hanbitAfterReclaim + gaonAfterReclaim).toBeLessThanOrEqual(60);
  });

  it('refuses over the rate with 429, Retry-After and retry-after-ms from the limiter, and admits at that time', async () => {
    const { model } = await pool(
      'rate',
      { capacity: { tokensPerMinute: 10_000_000, requestsPerMinute: 5, concurrentRequests: 10 }, headroom: 0, members: [{ slug: 'nuri-insurance' }] },
      ['nuri-insurance'],
    );
    for (let i = 0; i < 5; i++) expect((await chat(gateway.url, keys['nuri-insurance'], model)).status).toBe(200);
    const refused = await chat(gateway.url, keys['nuri-insurance'], model);
    expect(refused.status).toBe(429);
    const retryMs = Number(refused.headers.get('retry-after-ms'));
    expect(retryMs).toBeGreaterThan(0);
    expect(retryMs).toBeLessThanOrEqual(65_000);
    expect(Number(refused.headers.get('retry-after'))).toBe(Math.max(1, Math.ceil(retryMs / 1000)));
    expect(refused.body.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      // Pool-wide figures (capacity, every member's usage together) are not the caller's to see.
      quota: { dimension: 'requestsPerMinute', bound: 'pool_capacity', limit: null, used: null, requested: 1, retry_after_ms: retryMs },
    });
    expect(refused.body.error!.message).toMatch(/requests per minute/);
    clock.advance(retryMs - 1);
    expect((await chat(gateway.url, keys['nuri-insurance'], model)).status).toBe(429);
    clock.advance(1);
    expect((await chat(gateway.url, keys['nuri-insurance'], model)).status).toBe(200);
  });

  it('tells the caller its standing in x-ratelimit-* headers on every API, on 2xx and on 429 (official openai client and plain HTTP)', async () => {
    const { model } = await pool(
      'headers',
      { capacity: { tokensPerMinute: 100_000, requestsPerMinute: 8, concurrentRequests: 10 }, headroom: 0, members: [{ slug: 'gaon-securities' }] },
      ['gaon-securities'],
    );
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: keys['gaon-securities'], maxRetries: 0 });
    const post = (path: string, body: unknown) =>
      fetch(`${gateway.url}/v1/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys['gaon-securities']}` },
        body: JSON.stringify(body),
      });
    const standing = (headers: Headers) => ({
      limitRequests: headers.get('x-ratelimit-limit-requests'),
      remainingRequests: headers.get('x-ratelimit-remaining-requests'),
      resetRequests: headers.get('x-ratelimit-reset-requests'),
      limitTokens: headers.get('x-ratelimit-limit-tokens'),
      remainingTokens: Number(headers.get('x-ratelimit-remaining-tokens')),
      resetTokens: headers.get('x-ratelimit-reset-tokens'),
    });
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const answers: Headers[] = [
      (await client.chat.completions.create({ model, messages, max_tokens: 10 }).withResponse()).response.headers,
      (await client.chat.completions.create({ model, messages, max_tokens: 10, stream: true }).withResponse()).response.headers,
      (await client.embeddings.create({ model, input: '대출' }).withResponse()).response.headers,
      (await client.completions.create({ model, prompt: 'hi', max_tokens: 10 }).withResponse()).response.headers,
      (await client.responses.create({ model, input: 'hi', max_output_tokens: 10 }).withResponse()).response.headers,
      (await post('rerank', { model, query: '대출', documents: ['a', 'b'] })).headers,
      (await post('score', { model, text_1: '대출', text_2: ['a'] })).headers,
    ];
    let previousTokens = 100_000;
    answers.forEach((headers, index) => {
      const figures = standing(headers);
      // Alone in the pool: the whole pool is its limit; each answer counts the request it answers.
      expect(figures).toMatchObject({ limitRequests: '8', remainingRequests: String(7 - index), limitTokens: '100000' });
      expect(figures.remainingTokens).toBeLessThan(previousTokens);
      previousTokens = figures.remainingTokens;
      expect(figures.resetRequests).toMatch(/^(\d+m)?\d+(\.\d+)?s$/);
      expect(figures.resetTokens).toMatch(/^(\d+m)?\d+(\.\d+)?s$/);
    });
    expect(
      (await client.chat.completions.create({ model, messages, max_tokens: 10 }).withResponse()).response.headers.get('x-ratelimit-remaining-requests'),
    ).toBe('0');
    // The ninth request: 429 with Retry-After, retry-after-ms and the same headers (the openai client's APIError carries them).
    const refused = await client.chat.completions.create({ model, messages, max_tokens: 10 }).then(
      () => undefined,
      (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
    );
    expect(refused?.status).toBe(429);
    expect(standing(refused!.headers as Headers)).toMatchObject({ limitRequests: '8', remainingRequests: '0' });
    expect(Number(refused!.headers!.get('retry-after-ms'))).toBeGreaterThan(0);
    expect(Number(refused!.headers!.get('retry-after'))).toBeGreaterThan(0);
    // Plain HTTP sees the same on a refusal; a refusal before admission (max_tokens too big) carries them too.
    const plain = await post('chat/completions', { model, messages, max_tokens: 10 });
    expect(plain.status).toBe(429);
    expect(standing(plain.headers)).toMatchObject({ limitRequests: '8', remainingRequests: '0' });
    const invalid = await post('chat/completions', { model, messages, max_tokens: 1_000_000 });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-ratelimit-limit-requests')).toBe('8');
    // Once the window has passed, the standing is whole again.
    clock.advance(66_000);
    const { response } = await client.chat.completions.create({ model, messages, max_tokens: 10 }).withResponse();
    expect(standing(response.headers)).toMatchObject({ limitRequests: '8', remainingRequests: '7' });
  });

  it('answers insufficient_quota when the monthly budget is spent, and 413 for a request that can never fit', async () => {
    const { model } = await pool(
      'budget',
      {
        capacity: { tokensPerMinute: 1_000_000, requestsPerMinute: 1_000, concurrentRequests: 10 },
        headroom: 0,
        members: [{ slug: 'gaon-securities', periodTokenBudget: 200 }],
      },
      ['gaon-securities'],
    );
    let answer = await chat(gateway.url, keys['gaon-securities'], model, { maxTokens: 60 });
    expect(answer.status).toBe(200);
    for (let i = 0; i < 10 && answer.status === 200; i++) answer = await chat(gateway.url, keys['gaon-securities'], model, { maxTokens: 60 });
    expect(answer.status).toBe(429);
    expect(answer.body.error).toMatchObject({
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      quota: { dimension: 'periodTokens', bound: 'period_budget', limit: 200 },
    });
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    const tooLarge = await chat(gateway.url, keys['gaon-securities'], model, { maxTokens: 1_000 });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toMatchObject({ code: 'quota_request_too_large', quota: { reason: 'request_too_large' } });
    expect(tooLarge.headers.get('retry-after')).toBeNull();
  });

  it('reserves everything the model reads and writes: n choices, images at the endpoint cost, tool definitions, Korean at a token per syllable', async () => {
    const { model } = await pool(
      'estimate',
      { capacity: { tokensPerMinute: 1_000, requestsPerMinute: 1_000, concurrentRequests: 10 }, headroom: 0, members: [{ slug: 'nuri-insurance' }] },
      ['nuri-insurance'],
    );
    const send = async (body: Record<string, unknown>) => {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys['nuri-insurance']}` },
        body: JSON.stringify({ model, max_tokens: 10, ...body }),
      });
      return {
        status: response.status,
        body: (await response.json()) as { error?: { code: string }; usage?: { prompt_tokens: number; completion_tokens: number } },
      };
    };
    const hi = [{ role: 'user', content: 'hi' }];
    // Each of these can never fit 1 000 tokens a minute once counted whole; characters ÷ 2 + max_tokens let them all in.
    const image = { type: 'image_url', image_url: { url: 'https://example.test/statement.png' } };
    const tooLarge = [
      { messages: hi, n: 20, max_tokens: 60 },
      { messages: [{ role: 'user', content: [{ type: 'text', text: '명세서 두 장' }, image, image] }] },
      { messages: hi, tools: [{ type: 'function', function: { name: 'lookup', description: 'x'.repeat(4_000), parameters: { type: 'object' } } }] },
    ];
    for (const body of tooLarge) {
      const answer = await send(body);
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 413, code: 'quota_request_too_large' });
    }
    // A 600-syllable Korean prompt costs about 617 tokens: one fits the minute, a second would overrun it.
    const korean = [{ role: 'user', content: '가'.repeat(600) }];
    const first = await send({ messages: korean });
    expect(first.status).toBe(200);
    expect(first.body.usage!.prompt_tokens).toBeGreaterThan(600);
    const second = await send({ messages: korean });
    expect({ status: second.status, code: second.body.error?.code }).toEqual({ status: 429, code: 'rate_limit_exceeded' });
  });

  it('reconciles the reservation with the actual usage: the unused estimate is refunded', async () => {
    const { model, id, policy } = await pool(
      'refund',
      { capacity: { tokensPerMinute: 5_000, requestsPerMinute: 1_000, concurrentRequests: 10 }, headroom: 0, members: [{ slug: 'hanbit-bank' }] },
      ['hanbit-bank'],
    );
    const answer = await chat(gateway.url, keys['hanbit-bank'], model, { maxTokens: 2_000 });
    expect(answer.status).toBe(200);
    const actual = answer.body.usage!.prompt_tokens + answer.body.usage!.completion_tokens;
    await eventually(async () => {
      const state = await gateway.quota.store.snapshot(id, policy());
      return state.members[tenants['hanbit-bank']]!.open.length === 0;
    });
    const state = await gateway.quota.store.snapshot(id, policy());
    const member = state.members[tenants['hanbit-bank']]!;
    expect(member.ledger.reservedTokens - member.ledger.refundedTokens + member.ledger.chargedTokens).toBe(actual);
    expect(member.ledger.refundedTokens).toBeGreaterThan(1_900);
    expect(memberUsage(policy(), state, tenants['hanbit-bank'], clock.nowMs)).toMatchObject({
      tokensPerMinute: actual,
      requestsPerMinute: 1,
      concurrentRequests: 0,
    });
    // Two more such calls fit because the first one's unused 2 000-token estimate came back.
    for (let i = 0; i < 2; i++) expect((await chat(gateway.url, keys['hanbit-bank'], model, { maxTokens: 2_000 })).status).toBe(200);
  });

  it('holds a concurrency lease while a call runs and frees it when the lease TTL passes', async () => {
    const { model, id, policy } = await pool(
      'lease',
      { capacity: { tokensPerMinute: 1_000_000, requestsPerMinute: 1_000, concurrentRequests: 1 }, headroom: 0, members: [{ slug: 'nuri-insurance' }] },
      ['nuri-insurance'],
    );
    await simulator.configure({ stallRate: 1, stallAfterChunks: 0 });
    const aborts: AbortController[] = [];
    try {
      const stalled = new AbortController();
      aborts.push(stalled);
      const first = chat(gateway.url, keys['nuri-insurance'], model, { signal: stalled.signal }).catch(() => undefined);
      await eventually(async () => (await gateway.quota.store.snapshot(id, policy())).pool.leases === 1);
      const refused = await chat(gateway.url, keys['nuri-insurance'], model);
      expect(refused.status).toBe(429);
      expect(refused.body.error!.quota).toMatchObject({ dimension: 'concurrentRequests', bound: 'pool_capacity', limit: null, used: null });
      // The gateway lost track of the call (as if it had crashed): after the TTL the slot is free again.
      clock.advance(30_001);
      const second = new AbortController();
      aborts.push(second);
      void chat(gateway.url, keys['nuri-insurance'], model, { signal: second.signal }).catch(() => undefined);
      await eventually(async () => {
        const member = (await gateway.quota.store.snapshot(id, policy())).members[tenants['nuri-insurance']]!;
        return member.open.length === 1 && member.ledger.reservedTokens > 0 && member.open[0]!.id !== '1';
      });
      const member = (await gateway.quota.store.snapshot(id, policy())).members[tenants['nuri-insurance']]!;
      // The expired reservation was settled at its estimate (no refund without proof of use).
      expect(member.ledger.refundedTokens).toBe(0);
      void first;
    } finally {
      await simulator.configure({ stallRate: 0 });
      for (const controller of aborts) controller.abort();
    }
  });
});
