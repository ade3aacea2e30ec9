import { randomBytes } from 'node:crypto';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { errorCodes, graphqlRequest, userToken, withPg } from '@ai-commons/testing';
import { e2eDatabase, startControlPlane } from './support/environment';
import { createEndpointFixture } from './support/gateway-fixtures';

const POOL_FIELDS = `id name headroom capacity { tokensPerMinute requestsPerMinute concurrentRequests }
  endpoints { endpointId institutionId } members { institutionId weight weightOverride investedCapitalKrw guaranteed { tokensPerMinute } hardCap { tokensPerMinute } periodTokenBudget }`;

describe('quota GraphQL: pools, validation, previews, member views, reports, settlement', () => {
  let controlPlane: ControlPlane;
  let admin: string;
  let hanbit: string;
  let regulator: string;
  const ids: Record<string, string> = {};
  const endpointIds: string[] = [];
  const run = randomBytes(3).toString('hex');
  let poolId: string;
  // Weights come from the members' capital as it is now (other suites may have changed it).
  const weights: Record<string, number> = {};

  const gql = (token: string, query: string, variables?: Record<string, unknown>) => graphqlRequest(controlPlane.url, query, { token, variables });

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    [admin, hanbit, regulator] = await Promise.all([userToken('platform-admin'), userToken('hanbit-bank-analyst'), userToken('regulator')]);
    await withPg(e2eDatabase().superuserUrl, async (client) => {
      for (const row of (await client.query(`select id, slug from institutions`)).rows) ids[row.slug] = row.id;
    });
    for (const slug of ['hanbit-bank', 'nuri-insurance', 'gaon-securities']) {
      endpointIds.push(
        (await createEndpointFixture({ tenantSlug: slug, name: `qg-${run}`, upstreamUrl: 'http://127.0.0.1:9', upstreamModel: 'sim-llama' })).id,
      );
    }
    // Usage the gateway would have written, through the pool's endpoints.
    await withPg(e2eDatabase().superuserUrl, async (client) => {
      for (const [index, slug] of ['hanbit-bank', 'nuri-insurance', 'gaon-securities'].entries()) {
        await client.query(
          `insert into usage_records (tenant_id, request_id, endpoint_id, endpoint_name, model, principal_subject, prompt_tokens, completion_tokens, latency_ms, http_status, outcome, occurred_at)
           values ($1, $2, $3, $4, 'sim-llama', 'tests', $5, 100, 5, 200, 'success', now() - interval '10 seconds')`,
          [ids[slug], `qg-${run}-${slug}`, endpointIds[index], `qg-${run}`, 900 * (index + 1)],
        );
      }
    });
  });
  beforeAll(async () => {
    const capital = await withPg(
      e2eDatabase().superuserUrl,
      async (client) =>
        (
          await client.query(
            `select slug, invested_capital_krw::float8 as capital from institutions where slug in ('hanbit-bank', 'nuri-insurance', 'gaon-securities')`,
          )
        ).rows,
    );
    const total = capital.reduce((sum, row) => sum + row.capital, 0);
    for (const row of capital) weights[row.slug] = row.capital / total;
  });
  afterAll(async () => controlPlane?.close());

  it('creates a pool with weights from invested capital and audits it', async () => {
    const response = await gql(admin, `mutation($input: QuotaPoolInput!) { createQuotaPool(input: $input) { ${POOL_FIELDS} } }`, {
      input: {
        name: `qg-${run}`,
        capacity: { tokensPerMinute: 100000, requestsPerMinute: 100, concurrentRequests: 10 },
        headroom: 0.1,
        monthlyCostKrw: '30000000',
        endpointIds,
        members: [
          { institutionId: ids['hanbit-bank'], periodTokenBudget: 1000000 },
          { institutionId: ids['nuri-insurance'] },
          { institutionId: ids['gaon-securities'] },
        ],
      },
    });
    expect(response.errors).toBeUndefined();
    const pool = (
      response.data as { createQuotaPool: { id: string; members: { institutionId: string; weight: number; guaranteed: { tokensPerMinute: number } }[] } }
    ).createQuotaPool;
    poolId = pool.id;
    const hanbitRow = pool.members.find((member) => member.institutionId === ids['hanbit-bank'])!;
    expect(hanbitRow.weight).toBeCloseTo(weights['hanbit-bank'], 9);
    expect(hanbitRow.guaranteed.tokensPerMinute).toBeCloseTo(weights['hanbit-bank'] * 0.9 * 100000, 3);
    const audited = await withPg(
      e2eDatabase().superuserUrl,
      async (client) =>
        (await client.query(`select count(*)::int as n from audit_events where action = 'quota_pool.create' and resource_id = $1`, [poolId])).rows[0].n,
    );
    expect(audited).toBe(1);
  });

  it('refuses bad admin input with specific reasons and every issue in details', async () => {
    const update = (input: Record<string, unknown>) =>
      gql(admin, `mutation($id: ID!, $input: QuotaPoolInput!) { updateQuotaPool(id: $id, input: $input) { id } }`, { id: poolId, input });
    const overrides = await update({
      members: [
        { institutionId: ids['hanbit-bank'], weightOverride: 0.7 },
        { institutionId: ids['nuri-insurance'], weightOverride: 0.5 },
      ],
    });
    expect(errorCodes(overrides)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'OVERRIDES_EXCEED_ONE' }]);
    const negative = await update({ members: [{ institutionId: ids['gaon-securities'], borrowingLimit: { tokensPerMinute: -5 } }] });
    expect(errorCodes(negative)[0]!.reason).toBe('NEGATIVE_LIMIT');
    expect(negative.errors![0]!.extensions!.details).toMatchObject({
      issues: [expect.objectContaining({ code: 'NEGATIVE_LIMIT', institutionId: ids['gaon-securities'], dimension: 'tokensPerMinute' })],
    });
    const capBelow = await update({ members: [{ institutionId: ids['hanbit-bank'], hardCap: { tokensPerMinute: 1000 } }] });
    expect(errorCodes(capBelow)[0]!.reason).toBe('HARD_CAP_BELOW_GUARANTEE');
    const headroom = await update({ headroom: 1.5 });
    expect(errorCodes(headroom)[0]!.reason).toBe('HEADROOM_OUT_OF_RANGE');
    const unknown = await update({ members: [{ institutionId: '00000000-0000-0000-0000-000000000001' }] });
    expect(errorCodes(unknown)[0]!.reason).toBe('UNKNOWN_MEMBER');
    // Nothing was stored.
    const pool = await gql(admin, `query($id: ID!) { quotaPool(id: $id) { headroom members { weightOverride hardCap { tokensPerMinute } } } }`, { id: poolId });
    expect(pool.data).toMatchObject({
      quotaPool: { headroom: 0.1, members: [{ weightOverride: null, hardCap: { tokensPerMinute: null } }, expect.anything(), expect.anything()] },
    });
  });

  it('previews an allocation without applying it', async () => {
    const preview = await gql(
      admin,
      `query($poolId: ID, $change: QuotaPoolInput!) { previewQuotaAllocation(poolId: $poolId, change: $change) { issues { code } members { institutionId weight dimensions { dimension guaranteed allocated } } } }`,
      {
        poolId,
        change: { members: [{ institutionId: ids['gaon-securities'], weightOverride: 0.4 }] },
      },
    );
    expect(preview.errors).toBeUndefined();
    const members = (
      preview.data as {
        previewQuotaAllocation: { members: { institutionId: string; weight: number; dimensions: { dimension: string; allocated: number }[] }[] };
      }
    ).previewQuotaAllocation.members;
    expect(members.find((member) => member.institutionId === ids['gaon-securities'])!.weight).toBeCloseTo(0.4, 9);
    const tokens = members.map((member) => member.dimensions.find((d) => d.dimension === 'tokensPerMinute')!.allocated);
    expect(tokens.reduce((a, b) => a + b, 0)).toBeCloseTo(100000, 3);
    const bad = await gql(
      admin,
      `query($poolId: ID, $change: QuotaPoolInput!) { previewQuotaAllocation(poolId: $poolId, change: $change) { issues { code } } }`,
      { poolId, change: { headroom: 2 } },
    );
    expect(errorCodes(bad)[0]!.reason).toBe('HEADROOM_OUT_OF_RANGE');
    const stored = await gql(admin, `query($id: ID!) { quotaPool(id: $id) { members { weightOverride } } }`, { id: poolId });
    expect(JSON.stringify(stored.data)).not.toContain('0.4');
  });

  it('lets only platform admins change pools', async () => {
    for (const token of [hanbit, regulator]) {
      const response = await gql(token, `mutation($id: ID!) { updateQuotaPool(id: $id, input: { headroom: 0.2 }) { id } }`, { id: poolId });
      expect(errorCodes(response)[0]!.code).toBe('FORBIDDEN');
    }
    const settlement = await gql(
      hanbit,
      `query($id: ID!) { quotaSettlement(poolId: $id, from: "2020-01-01T00:00:00Z", to: "2020-01-31T00:00:00Z") { costKrw } }`,
      { id: poolId },
    );
    expect(errorCodes(settlement)[0]!.code).toBe('FORBIDDEN');
  });

  it('shows a member only its own quota, standing and usage; regulators see all', async () => {
    const pools = await gql(hanbit, `{ quotaPools { id ${POOL_FIELDS} } }`);
    const mine = (
      pools.data as {
        quotaPools: { id: string; members: { institutionId: string; investedCapitalKrw: string | null }[]; endpoints: { institutionId: string }[] }[];
      }
    ).quotaPools.find((pool) => pool.id === poolId)!;
    expect(mine.members.map((member) => member.institutionId)).toEqual([ids['hanbit-bank']]);
    expect(mine.members[0]!.investedCapitalKrw).toBeNull();
    expect(new Set(mine.endpoints.map((endpoint) => endpoint.institutionId))).toEqual(new Set([ids['hanbit-bank']]));

    const standings = await gql(
      hanbit,
      `{ quotaStandings { poolId institutionId weight guaranteed { tokensPerMinute } usedLastMinute { tokensPerMinute requestsPerMinute } borrowingNow { tokensPerMinute } periodTokenBudget periodUsedTokens periodRemainingTokens } }`,
    );
    expect(standings.errors).toBeUndefined();
    const standing = (standings.data as { quotaStandings: { poolId: string; institutionId: string }[] }).quotaStandings.filter((row) => row.poolId === poolId);
    expect(standing).toEqual([
      expect.objectContaining({
        institutionId: ids['hanbit-bank'],
        weight: expect.closeTo(weights['hanbit-bank'], 9),
        usedLastMinute: { tokensPerMinute: 1000, requestsPerMinute: 1 },
        periodUsedTokens: 1000,
        periodRemainingTokens: 999000,
        borrowingNow: { tokensPerMinute: 0 },
      }),
    ]);

    const range = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
    type UsagePage = {
      quotaUsageReport: {
        edges: { node: { institutionId: string; model: string; day: string; totalTokens: number } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const report = async (token: string, first?: number, after?: string) =>
      (
        await gql(
          token,
          `query($from: DateTime!, $to: DateTime!, $poolId: ID, $first: Int, $after: String) {
             quotaUsageReport(from: $from, to: $to, poolId: $poolId, first: $first, after: $after) { edges { node { institutionId model day requests totalTokens } } pageInfo { hasNextPage endCursor } }
           }`,
          { ...range, poolId, first, after },
        )
      ).data as UsagePage;
    const own = await report(hanbit);
    expect(new Set(own.quotaUsageReport.edges.map((edge) => edge.node.institutionId))).toEqual(new Set([ids['hanbit-bank']]));
    const all = await report(regulator);
    expect(all.quotaUsageReport.edges.reduce((sum, edge) => sum + edge.node.totalTokens, 0)).toBe(1000 + 1900 + 2800);
    // Paged one row at a time, the report walks the same rows, in the same order, once each.
    const walked: UsagePage['quotaUsageReport']['edges'] = [];
    for (let page = await report(regulator, 1); ; page = await report(regulator, 1, page.quotaUsageReport.pageInfo.endCursor!)) {
      walked.push(...page.quotaUsageReport.edges);
      if (!page.quotaUsageReport.pageInfo.hasNextPage) break;
    }
    expect(walked.map((edge) => edge.node)).toEqual(all.quotaUsageReport.edges.map((edge) => edge.node));

    const settlement = await gql(
      regulator,
      `query($id: ID!, $from: DateTime!, $to: DateTime!) { quotaSettlement(poolId: $id, from: $from, to: $to) { costKrw totalTokens members { institutionId weight tokens useShare byInvestmentKrw byUseKrw } } }`,
      { id: poolId, ...range },
    );
    expect(settlement.errors).toBeUndefined();
    const split = (settlement.data as { quotaSettlement: { costKrw: number; members: { institutionId: string; byInvestmentKrw: number; byUseKrw: number }[] } })
      .quotaSettlement;
    expect(split.costKrw).toBeCloseTo(2_000_000, 3); // 30 M/month over 2 days
    const gaon = split.members.find((member) => member.institutionId === ids['gaon-securities'])!;
    expect(gaon.byInvestmentKrw).toBeCloseTo(2_000_000 * weights['gaon-securities'], 3);
    expect(gaon.byUseKrw).toBeCloseTo((2_000_000 * 2800) / 5700, 3);
  });
});
