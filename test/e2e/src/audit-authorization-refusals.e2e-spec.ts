import { randomBytes } from 'node:crypto';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { errorCodes, graphqlRequest, userToken, withPg } from '@ai-commons/testing';
import { e2eDatabase, startControlPlane } from './support/environment';

const EVENT_FIELDS = `id institutionId requestId action resourceType resourceId outcome httpStatus details
  actor { subject username institutionId roles clientId authMethod sourceAddress }`;

describe('authorization refusals in the audit log (control plane)', () => {
  let controlPlane: ControlPlane;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    controlPlane = await startControlPlane({ CATALOG_HEALTH_PROBE_INTERVAL_MS: '0' });
    for (const user of ['regulator', 'hanbit-bank-admin', 'hanbit-bank-analyst', 'nuri-insurance-admin']) {
      tokens[user] = await userToken(user);
    }
    for (const row of await superuser<{ id: string; slug: string }>('select id, slug from institutions')) ids[row.slug] = row.id;
  });
  afterAll(async () => {
    await controlPlane?.close();
  });

  const newRequestId = (label: string) => `authz-${label}-${randomBytes(4).toString('hex')}`;
  const gql = (user: string, query: string, variables: Record<string, unknown>, requestId: string) =>
    graphqlRequest<any>(controlPlane.url, query, { token: tokens[user], variables, headers: { 'x-request-id': requestId } });
  function superuser<T = any>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return withPg(e2eDatabase().superuserUrl, async (client) => (await client.query(sql, parameters)).rows as T[]);
  }
  /** Every audit row of one request, once the batch writer has written what it holds. */
  async function recordedFor(requestId: string) {
    controlPlane.audit.authenticationFailures.recorder.flush();
    await controlPlane.audit.writer.flush();
    return superuser('select * from audit_events where request_id = $1', [requestId]);
  }
  /**
   * `user` asks `GET /audit/export` for `institution` and is refused (403 with `reason`); returns the
   * one audit row the refusal left, as a refused route without the query string.
   */
  async function refusedExport(user: string, institution: string, reason: string, requestId: string) {
    const response = await fetch(`${controlPlane.url}/audit/export?institutionId=${ids[institution]}`, {
      headers: { authorization: `Bearer ${tokens[user]}`, 'x-request-id': requestId },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'forbidden', reason } });
    const rows = await recordedFor(requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'authorization.denied', resource_type: 'http-route', resource_id: 'GET /audit/export', http_status: 403 });
    return rows[0];
  }
  /** The `authorization.denied` events `reader` may see through GraphQL, by request id. */
  async function deniedEventsSeenBy(reader: string): Promise<Map<string, any>> {
    const response = await gql(
      reader,
      `{ auditEvents(first: 100, newestFirst: true, filter: { action: "authorization.denied" }) { edges { node { ${EVENT_FIELDS} } } } }`,
      {},
      newRequestId('read'),
    );
    expect(response.errors).toBeUndefined();
    return new Map(response.data.auditEvents.edges.map((edge: any) => [edge.node.requestId, edge.node]));
  }

  it("a member analyst's admin mutation is FORBIDDEN and recorded once, in its own institution's log", async () => {
    const requestId = newRequestId('analyst');
    const response = await gql(
      'hanbit-bank-analyst',
      'mutation Suspend($id: ID!) { suspendInstitution(id: $id, reason: "probe") { id status } }',
      { id: ids['nuri-insurance'] },
      requestId,
    );
    expect(errorCodes(response)).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
    expect((await superuser('select status from institutions where id = $1', [ids['nuri-insurance']]))[0].status).toBe('active');

    const rows = await recordedFor(requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'authorization.denied',
      outcome: 'denied',
      tenant_id: ids['hanbit-bank'],
      resource_type: 'graphql-field',
      resource_id: 'Mutation.suspendInstitution',
      http_status: 403,
      details: { code: 'FORBIDDEN', reason: 'ROLE_REQUIRED', requiredRoles: ['platform-admin'], operationType: 'mutation', operationName: 'Suspend' },
    });
    expect(rows[0].actor).toMatchObject({
      username: 'hanbit-bank-analyst',
      institutionId: ids['hanbit-bank'],
      roles: ['tenant-member'],
      authMethod: 'keycloak-user',
      clientId: expect.any(String),
      sourceAddress: expect.any(String),
    });

    const seenByRegulator = (await deniedEventsSeenBy('regulator')).get(requestId);
    expect(seenByRegulator).toMatchObject({ institutionId: ids['hanbit-bank'], resourceId: 'Mutation.suspendInstitution', outcome: 'denied' });
    expect(seenByRegulator.actor).toMatchObject({ username: 'hanbit-bank-analyst', roles: ['tenant-member'] });
    expect((await deniedEventsSeenBy('hanbit-bank-admin')).get(requestId)).toMatchObject({ id: seenByRegulator.id });
    expect((await deniedEventsSeenBy('nuri-insurance-admin')).has(requestId)).toBe(false);
  });

  it("a regulator's mutation is FORBIDDEN and recorded as a platform event that no institution sees", async () => {
    const requestId = newRequestId('regulator');
    const response = await gql(
      'regulator',
      'mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { id } }',
      { input: { slug: 'regulator-probe', nameKo: '감독 시험', nameEn: 'Regulator probe', sector: 'bank', investedCapitalKrw: '1' } },
      requestId,
    );
    expect(errorCodes(response)).toEqual([{ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' }]);
    expect(await superuser("select id from institutions where slug = 'regulator-probe'")).toEqual([]);

    const rows = await recordedFor(requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'authorization.denied',
      tenant_id: null,
      resource_id: 'Mutation.createInstitution',
      details: expect.objectContaining({ requiredRoles: ['platform-admin'], operationType: 'mutation', operationName: null }),
    });
    expect(rows[0].actor).toMatchObject({ username: 'regulator', roles: ['regulator'], institutionId: null });

    expect((await deniedEventsSeenBy('regulator')).get(requestId)).toMatchObject({ institutionId: null, resourceId: 'Mutation.createInstitution' });
    expect((await deniedEventsSeenBy('hanbit-bank-admin')).has(requestId)).toBe(false);
  });

  it('a refused REST audit export is recorded with its route, without the query string', async () => {
    const row = await refusedExport('hanbit-bank-analyst', 'hanbit-bank', 'ROLE_REQUIRED', newRequestId('export'));
    expect(row).toMatchObject({
      tenant_id: ids['hanbit-bank'],
      details: { code: 'FORBIDDEN', reason: 'ROLE_REQUIRED', requiredRoles: ['tenant-admin', 'platform-admin', 'regulator'] },
    });
  });

  it("a tenant admin filtering the audit log by another institution is refused by the service and recorded once, in its own institution's log", async () => {
    const requestId = newRequestId('wrong-institution-gql');
    const response = await gql(
      'hanbit-bank-admin',
      'query Snoop($filter: AuditEventFilter) { auditEvents(first: 5, filter: $filter) { edges { node { id } } } }',
      { filter: { institutionId: ids['nuri-insurance'] } },
      requestId,
    );
    expect(errorCodes(response)).toEqual([{ code: 'FORBIDDEN', reason: 'WRONG_INSTITUTION' }]);

    const rows = await recordedFor(requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'authorization.denied',
      outcome: 'denied',
      tenant_id: ids['hanbit-bank'],
      resource_type: 'graphql-field',
      resource_id: 'Query.auditEvents',
      http_status: 403,
      details: { code: 'FORBIDDEN', reason: 'WRONG_INSTITUTION', module: 'audit', operationType: 'query', operationName: 'Snoop' },
    });
    expect(rows[0].details).not.toHaveProperty('requiredRoles');
    expect(rows[0].actor).toMatchObject({
      username: 'hanbit-bank-admin',
      institutionId: ids['hanbit-bank'],
      roles: ['tenant-admin'],
      sourceAddress: expect.any(String),
    });

    expect((await deniedEventsSeenBy('hanbit-bank-admin')).get(requestId)).toMatchObject({ resourceId: 'Query.auditEvents', outcome: 'denied' });
    expect((await deniedEventsSeenBy('nuri-insurance-admin')).has(requestId)).toBe(false);
  });

  it('reading another institution by id is recorded with the module that refused it', async () => {
    const requestId = newRequestId('wrong-institution-read');
    const response = await gql('hanbit-bank-admin', 'query($id: ID!) { institution(id: $id) { slug } }', { id: ids['nuri-insurance'] }, requestId);
    expect(errorCodes(response)).toEqual([{ code: 'FORBIDDEN', reason: 'WRONG_INSTITUTION' }]);

    const rows = await recordedFor(requestId);
    expect(rows.map((row) => [row.action, row.tenant_id, row.resource_id, row.details.reason, row.details.module])).toEqual([
      ['authorization.denied', ids['hanbit-bank'], 'Query.institution', 'WRONG_INSTITUTION', 'tenancy'],
    ]);
  });

  it("a tenant admin's mutation of another institution's settings is refused and recorded, and changes nothing", async () => {
    const requestId = newRequestId('tenant-scope');
    const before = await superuser('select count(*)::int as n from institution_pii_settings where tenant_id = $1', [ids['nuri-insurance']]);
    const response = await gql(
      'hanbit-bank-admin',
      'mutation($id: ID) { setInstitutionPiiSettings(institutionId: $id, settingsJson: "{}") { revision } }',
      { id: ids['nuri-insurance'] },
      requestId,
    );
    expect(errorCodes(response)).toEqual([{ code: 'FORBIDDEN', reason: 'TENANT_SCOPE_REQUIRED' }]);
    expect(await superuser('select count(*)::int as n from institution_pii_settings where tenant_id = $1', [ids['nuri-insurance']])).toEqual(before);

    const rows = await recordedFor(requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'authorization.denied',
      tenant_id: ids['hanbit-bank'],
      resource_id: 'Mutation.setInstitutionPiiSettings',
      details: { code: 'FORBIDDEN', reason: 'TENANT_SCOPE_REQUIRED', module: 'isolation', operationType: 'mutation', operationName: null },
    });
  });

  it("a tenant admin's REST export of another institution is recorded once, with its route, and exports nothing", async () => {
    const row = await refusedExport('hanbit-bank-admin', 'nuri-insurance', 'WRONG_INSTITUTION', newRequestId('wrong-institution-export'));
    expect(row).toMatchObject({ tenant_id: ids['hanbit-bank'], details: { code: 'FORBIDDEN', reason: 'WRONG_INSTITUTION', module: 'audit' } });
    expect(row.actor).toMatchObject({ username: 'hanbit-bank-admin', institutionId: ids['hanbit-bank'] });
  });

  it("a service refusal inside a batched request is recorded once, beside the batch's successes", async () => {
    const requestId = newRequestId('batch');
    const response = await fetch(`${controlPlane.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['hanbit-bank-admin']}`, 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify([
        { query: '{ me { username } }' },
        { query: 'query($id: ID!) { institution(id: $id) { slug } }', variables: { id: ids['gaon-securities'] } },
      ]),
    });
    const answers = (await response.json()) as any[];
    expect(answers[0].data.me.username).toBe('hanbit-bank-admin');
    expect(errorCodes(answers[1])).toEqual([{ code: 'FORBIDDEN', reason: 'WRONG_INSTITUTION' }]);
    expect((await recordedFor(requestId)).map((row) => [row.action, row.resource_id])).toEqual([['authorization.denied', 'Query.institution']]);
  });

  it('a failed authentication stays one authentication.failure, not also an authorization refusal', async () => {
    controlPlane.audit.authenticationFailures.recorder.flush(); // a fresh window: this request is its key's first
    const requestId = newRequestId('unauthenticated');
    const response = await graphqlRequest(controlPlane.url, 'mutation { offboardInstitution(id: "x", reason: "x") { id } }', {
      token: 'not.a.jwt',
      headers: { 'x-request-id': requestId },
    });
    expect(errorCodes(response)[0]?.code).toBe('UNAUTHENTICATED');
    expect((await recordedFor(requestId)).map((row) => row.action)).toEqual(['authentication.failure']);
  });
});
