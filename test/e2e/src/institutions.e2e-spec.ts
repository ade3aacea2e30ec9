import { errorCodes, graphqlRequest, serviceToken, userToken, withPg } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { e2eDatabase, startControlPlane } from './support/environment';

const FIELDS = 'id slug nameKo nameEn sector investedCapitalKrw investmentWeight status dataClassificationCeiling contacts { name email }';

describe('member institutions over GraphQL', () => {
  let controlPlane: ControlPlane;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    for (const user of ['platform-admin', 'regulator', 'hanbit-bank-admin', 'hanbit-bank-analyst', 'nuri-insurance-admin', 'gaon-securities-analyst']) {
      tokens[user] = await userToken(user);
    }
    tokens['svc-gaon-securities'] = await serviceToken('svc-gaon-securities');
    const list = await gql('{ institutions(first: 50) { edges { node { id slug } } } }', 'platform-admin');
    for (const { node } of (list.data as any).institutions.edges) ids[node.slug] = node.id;
  });
  afterAll(() => controlPlane.close());

  function gql(query: string, user: string, variables?: Record<string, unknown>) {
    return graphqlRequest<any>(controlPlane.url, query, { token: tokens[user], variables });
  }

  async function auditCount(action: string, resourceId?: string): Promise<number> {
    return withPg(e2eDatabase().superuserUrl, async (client) => {
      const result = await client.query('select count(*)::int as n from audit_events where action = $1 and ($2::text is null or resource_id = $2)', [
        action,
        resourceId ?? null,
      ]);
      return result.rows[0].n;
    });
  }

  describe('reads', () => {
    it('platform admins and regulators list every member, with investment weights', async () => {
      for (const user of ['platform-admin', 'regulator']) {
        const response = await gql(`{ institutions(first: 50) { edges { node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } }`, user);
        expect(response.errors).toBeUndefined();
        const nodes = response.data.institutions.edges.map((edge: any) => edge.node);
        const bySlug = Object.fromEntries(nodes.map((node: any) => [node.slug, node]));
        expect(bySlug['hanbit-bank']).toMatchObject({ nameKo: '한빛은행', sector: 'bank', investedCapitalKrw: '50000000000' });
        expect(Object.keys(bySlug)).toEqual(expect.arrayContaining(['hanbit-bank', 'nuri-insurance', 'gaon-securities']));
        const active = nodes.filter((node: any) => node.status === 'active');
        const weightSum = active.reduce((sum: number, node: any) => sum + node.investmentWeight, 0);
        expect(weightSum).toBeCloseTo(1, 6);
      }
    });

    it('tenant users and service accounts see only their own institution in the list', async () => {
      for (const [user, slug] of [
        ['hanbit-bank-admin', 'hanbit-bank'],
        ['gaon-securities-analyst', 'gaon-securities'],
        ['svc-gaon-securities', 'gaon-securities'],
      ]) {
        const response = await gql('{ institutions(first: 50) { edges { node { slug } } } }', user);
        expect(response.data.institutions.edges.map((edge: any) => edge.node.slug)).toEqual([slug]);
      }
    });

    it('a tenant user reading another institution by id is FORBIDDEN, through every query', async () => {
      const byId = await gql(`query($id: ID!) { institution(id: $id) { slug } }`, 'hanbit-bank-analyst', { id: ids['nuri-insurance'] });
      expect(errorCodes(byId)).toEqual([{ code: 'FORBIDDEN', reason: 'WRONG_INSTITUTION' }]);
      expect(byId.data).toBeNull();

      const own = await gql(`query($id: ID!) { institution(id: $id) { slug statusHistory { edges { node { toStatus } } } } }`, 'hanbit-bank-analyst', {
        id: ids['hanbit-bank'],
      });
      expect(own.data.institution.slug).toBe('hanbit-bank');
      expect(own.data.institution.statusHistory.edges[0].node.toStatus).toBe('active');

      const me = await gql('{ me { institution { slug } } }', 'nuri-insurance-admin');
      expect(me.data.me.institution.slug).toBe('nuri-insurance');
    });

    it('an unknown id is NOT_FOUND for cross-tenant readers, a malformed one BAD_USER_INPUT', async () => {
      const query = `query($id: ID!) { institution(id: $id) { slug } }`;
      expect(errorCodes(await gql(query, 'regulator', { id: '00000000-0000-4000-8000-000000000000' }))).toEqual([
        { code: 'NOT_FOUND', reason: 'INSTITUTION_NOT_FOUND' },
      ]);
      expect(errorCodes(await gql(query, 'regulator', { id: 'not-a-uuid' }))).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_ID' }]);
    });

    it('paginates with first/after and rejects bad page arguments', async () => {
      const first = await gql('{ institutions(first: 1) { edges { cursor node { slug } } pageInfo { hasNextPage endCursor } } }', 'regulator');
      expect(first.data.institutions.edges).toHaveLength(1);
      expect(first.data.institutions.pageInfo.hasNextPage).toBe(true);
      const second = await gql('query($after: String) { institutions(first: 1, after: $after) { edges { node { slug } } } }', 'regulator', {
        after: first.data.institutions.pageInfo.endCursor,
      });
      expect(second.data.institutions.edges[0].node.slug > first.data.institutions.edges[0].node.slug).toBe(true);

      expect(errorCodes(await gql('{ institutions(first: 0) { edges { cursor } } }', 'regulator'))).toEqual([
        { code: 'BAD_USER_INPUT', reason: 'INVALID_PAGE_SIZE' },
      ]);
      expect(errorCodes(await gql('{ institutions(first: 1000) { edges { cursor } } }', 'regulator'))).toEqual([
        { code: 'BAD_USER_INPUT', reason: 'INVALID_PAGE_SIZE' },
      ]);
      expect(errorCodes(await gql('{ institutions(after: "garbage!") { edges { cursor } } }', 'regulator'))).toEqual([
        { code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' },
      ]);
    });
  });

  describe('mutations', () => {
    const create = `mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { ${FIELDS} } }`;
    const input = (slug: string, extra: Record<string, unknown> = {}) => ({
      slug,
      nameKo: '새마을카드',
      nameEn: 'Saemaul Card',
      sector: 'card',
      investedCapitalKrw: '10000000000',
      contacts: [{ name: 'Choi', email: 'choi@saemaul.example' }],
      ...extra,
    });

    it('only platform admins may create, update or change status', async () => {
      for (const user of ['regulator', 'hanbit-bank-admin', 'hanbit-bank-analyst', 'svc-gaon-securities']) {
        expect(errorCodes(await gql(create, user, { input: input(`denied-${user.length}`) }))).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
        for (const mutation of ['suspendInstitution', 'reactivateInstitution', 'offboardInstitution']) {
          const response = await gql(`mutation($id: ID!) { ${mutation}(id: $id, reason: "testing roles") { id } }`, user, { id: ids['hanbit-bank'] });
          expect(errorCodes(response)).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
        }
        const update = await gql(`mutation($id: ID!) { updateInstitution(id: $id, input: { nameEn: "X" }) { id } }`, user, { id: ids['hanbit-bank'] });
        expect(errorCodes(update)).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
      }
    });

    it('creates an institution, its first status record and its audit record together', async () => {
      const response = await gql(create, 'platform-admin', { input: input('saemaul-card') });
      expect(response.errors).toBeUndefined();
      const created = response.data.createInstitution;
      expect(created).toMatchObject({ slug: 'saemaul-card', status: 'active', dataClassificationCeiling: 'internal', investedCapitalKrw: '10000000000' });
      expect(created.investmentWeight).toBeCloseTo(10 / 110, 6);
      expect(await auditCount('institution.create', created.id)).toBe(1);
    });

    it('gives specific errors for bad input and writes nothing', async () => {
      const before = await auditCount('institution.create');
      const cases: [Record<string, unknown>, string, string][] = [
        [input('hanbit-bank'), 'CONFLICT', 'INSTITUTION_SLUG_TAKEN'],
        [input('bad slug!'), 'BAD_USER_INPUT', 'INVALID_SLUG'],
        [input('zero-capital', { investedCapitalKrw: '0' }), 'BAD_USER_INPUT', 'INVALID_CAPITAL'],
        [input('negative-capital', { investedCapitalKrw: '-100' }), 'BAD_USER_INPUT', 'INVALID_CAPITAL'],
        [input('blank-name', { nameKo: '   ' }), 'BAD_USER_INPUT', 'INVALID_NAME'],
        [input('bad-contact', { contacts: [{ name: 'A', email: 'nope' }] }), 'BAD_USER_INPUT', 'INVALID_CONTACT'],
      ];
      for (const [value, code, reason] of cases) {
        expect(errorCodes(await gql(create, 'platform-admin', { input: value }))).toEqual([{ code, reason }]);
      }
      const unknownSector = await gql(create, 'platform-admin', { input: input('weird-sector', { sector: 'crypto' }) });
      expect(unknownSector.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(unknownSector.errors?.[0].message).toMatch(/Sector/);
      expect(await auditCount('institution.create')).toBe(before);
      const rows = await withPg(e2eDatabase().superuserUrl, (client) =>
        client.query(`select slug from institutions where slug in ('zero-capital','negative-capital','blank-name','bad-contact','weird-sector')`),
      );
      expect(rows.rowCount).toBe(0);
    });

    it('updates fields and records before/after in the audit log', async () => {
      const response = await gql(
        `mutation($id: ID!) { updateInstitution(id: $id, input: { nameEn: "Gaon Securities Co.", investedCapitalKrw: "25000000000" }) { nameEn investedCapitalKrw } }`,
        'platform-admin',
        { id: ids['gaon-securities'] },
      );
      expect(response.data.updateInstitution).toEqual({ nameEn: 'Gaon Securities Co.', investedCapitalKrw: '25000000000' });
      expect(await auditCount('institution.update', ids['gaon-securities'])).toBe(1);
      const empty = await gql(`mutation($id: ID!) { updateInstitution(id: $id, input: {}) { id } }`, 'platform-admin', { id: ids['gaon-securities'] });
      expect(errorCodes(empty)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'EMPTY_UPDATE' }]);
    });

    it('suspends, reactivates and offboards with history; illegal transitions are refused; suspended members lose access', async () => {
      const created = (await gql(create, 'platform-admin', { input: input('lifecycle-card') })).data.createInstitution;
      const change = (mutation: string) =>
        gql(`mutation($id: ID!) { ${mutation}(id: $id, reason: "quarterly review") { status } }`, 'platform-admin', { id: created.id });

      expect(errorCodes(await change('reactivateInstitution'))).toEqual([{ code: 'CONFLICT', reason: 'ILLEGAL_STATUS_TRANSITION' }]);
      expect((await change('suspendInstitution')).data.suspendInstitution.status).toBe('suspended');
      expect(errorCodes(await change('suspendInstitution'))).toEqual([{ code: 'CONFLICT', reason: 'ILLEGAL_STATUS_TRANSITION' }]);
      expect((await change('reactivateInstitution')).data.reactivateInstitution.status).toBe('active');
      expect((await change('offboardInstitution')).data.offboardInstitution.status).toBe('offboarded');
      expect(errorCodes(await change('reactivateInstitution'))).toEqual([{ code: 'CONFLICT', reason: 'ILLEGAL_STATUS_TRANSITION' }]);
      const short = await gql(`mutation($id: ID!) { suspendInstitution(id: $id, reason: "x") { status } }`, 'platform-admin', { id: created.id });
      expect(errorCodes(short)).toEqual([{ code: 'BAD_USER_INPUT', reason: 'INVALID_REASON' }]);

      const history = await gql(
        `query($id: ID!) { institution(id: $id) { investmentWeight statusHistory(first: 10) { edges { node { fromStatus toStatus reason } } } } }`,
        'regulator',
        { id: created.id },
      );
      expect(history.data.institution.investmentWeight).toBe(0);
      expect(history.data.institution.statusHistory.edges.map((edge: any) => edge.node.toStatus)).toEqual(['active', 'suspended', 'active', 'offboarded']);

      // Paging one by one yields the same sequence: no row repeated or skipped across pages.
      const paged: string[] = [];
      let after: string | null = null;
      do {
        const page: any = await gql(
          `query($id: ID!, $after: String) { institution(id: $id) { statusHistory(first: 1, after: $after) { edges { node { toStatus } } pageInfo { hasNextPage endCursor } } } }`,
          'regulator',
          { id: created.id, after },
        );
        const connection = page.data.institution.statusHistory;
        paged.push(...connection.edges.map((edge: any) => edge.node.toStatus));
        after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      } while (after);
      expect(paged).toEqual(['active', 'suspended', 'active', 'offboarded']);

      // A suspended member's users are refused at authentication time.
      const suspend = await gql(`mutation($id: ID!) { suspendInstitution(id: $id, reason: "incident response") { status } }`, 'platform-admin', {
        id: ids['nuri-insurance'],
      });
      expect(suspend.data.suspendInstitution.status).toBe('suspended');
      expect(errorCodes(await gql('{ me { username } }', 'nuri-insurance-admin'))).toEqual([{ code: 'FORBIDDEN', reason: 'INSTITUTION_NOT_ACTIVE' }]);
      await gql(`mutation($id: ID!) { reactivateInstitution(id: $id, reason: "incident closed") { status } }`, 'platform-admin', { id: ids['nuri-insurance'] });
      expect((await gql('{ me { username } }', 'nuri-insurance-admin')).data.me.username).toBe('nuri-insurance-admin');
    });

    it('regulator reads are audited as cross-tenant access', async () => {
      const before = await auditCount('cross-tenant.access');
      await gql('{ institutions(first: 5) { edges { node { slug } } } }', 'regulator');
      expect(await auditCount('cross-tenant.access')).toBe(before + 1);
    });
  });
});
