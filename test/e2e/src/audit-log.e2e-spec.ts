import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import {
  fromHex,
  importPublicKey,
  leafHashOfUtf8,
  toHex,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHead,
  type SignedTreeHead,
} from '@ai-commons/audit-proofs';
import { AuditKeys } from '@ai-commons/audit';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import type { Gateway } from '@ai-commons/gateway-server';
import { errorCodes, graphqlRequest, testConfig, userToken, withPg } from '@ai-commons/testing';
import { e2eDatabase, startControlPlane, startGateway } from './support/environment';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-process';
import { createApiKeyFixture, createEndpointFixture } from './support/gateway-fixtures';
import { downloadBundle, failureCodes, repoRoot, runAuditVerifier, savePublicKey, scratchDirectory, settleAuditLog } from './support/audit-support';

const EVENT_FIELDS = `id leafIndex timestamp institutionId requestId action resourceType resourceId outcome endpoint model
  dataClassification promptTokens completionTokens latencyMs httpStatus policyDecision promptHmac details
  actor { subject username institutionId roles clientId authMethod sourceAddress }`;

describe('tamper-evident audit log (control plane, gateway, sequencer, views, export)', () => {
  let controlPlane: ControlPlane;
  let simulator: SimulatorProcess;
  let gateway: Gateway;
  let apiKey: string;
  let endpointId: string;
  let work: string;
  let publicKeyPath: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    controlPlane = await startControlPlane({ CATALOG_HEALTH_PROBE_INTERVAL_MS: '0' });
    simulator = await startSimulatorProcess(['--models', 'sim-llama', '--output-tokens', '7']);
    endpointId = (await createEndpointFixture({ tenantSlug: 'hanbit-bank', name: 'audit-llama', upstreamUrl: simulator.url, upstreamModel: 'sim-llama' })).id;
    apiKey = (await createApiKeyFixture('hanbit-bank')).secret;
    gateway = await startGateway();
    for (const user of ['platform-admin', 'regulator', 'hanbit-bank-admin', 'hanbit-bank-analyst', 'nuri-insurance-admin']) {
      tokens[user] = await userToken(user);
    }
    await withPg(e2eDatabase().superuserUrl, async (client) => {
      for (const row of (await client.query('select id, slug from institutions')).rows) ids[row.slug] = row.id;
    });
    work = await scratchDirectory();
    publicKeyPath = await savePublicKey(controlPlane.url, work);
  });
  afterAll(async () => {
    await gateway?.close();
    await simulator?.stop();
    await controlPlane?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const gql = (user: string, query: string, variables?: Record<string, unknown>) =>
    graphqlRequest<any>(controlPlane.url, query, { token: tokens[user], variables });
  const superuser = <T = any>(sql: string, parameters: unknown[] = []) =>
    withPg(e2eDatabase().superuserUrl, async (client) => (await client.query(sql, parameters)).rows as T[]);
  const settle = () => settleAuditLog([controlPlane.audit, gateway.audit], e2eDatabase().superuserUrl);
  const openai = (key: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });

  describe('what is recorded', () => {
    it('an admin mutation and its audit record commit together; a failed mutation leaves no record', async () => {
      const before = (await superuser(`select count(*)::int as n from audit_events where action = 'institution.create'`))[0].n;
      const duplicate = await gql(
        'platform-admin',
        `mutation { createInstitution(input: { slug: "hanbit-bank", nameKo: "중복", nameEn: "Duplicate", sector: bank, investedCapitalKrw: "1" }) { id } }`,
      );
      expect(errorCodes(duplicate)).toEqual([{ code: 'CONFLICT', reason: 'INSTITUTION_SLUG_TAKEN' }]);
      expect((await superuser(`select count(*)::int as n from audit_events where action = 'institution.create'`))[0].n).toBe(before);

      const updated = await gql('platform-admin', `mutation($id: ID!) { updateInstitution(id: $id, input: { nameEn: "Nuri Insurance (audited)" }) { id } }`, {
        id: ids['nuri-insurance'],
      });
      expect(updated.errors).toBeUndefined();
      const [event] = await superuser(`select * from audit_events where action = 'institution.update' and resource_id = $1 order by seq desc limit 1`, [
        ids['nuri-insurance'],
      ]);
      expect(event).toMatchObject({ tenant_id: ids['nuri-insurance'], outcome: 'success', resource_type: 'institution' });
      expect(event.actor).toMatchObject({
        username: 'platform-admin',
        roles: ['platform-admin'],
        authMethod: 'keycloak-user',
        clientId: 'ai-commons-cli',
        sourceAddress: expect.any(String),
      });
    });

    it('gateway requests: the admission record is committed before the response; completion and refusals follow; prompts only as HMAC', async () => {
      const marker = `audit-prompt-${randomBytes(6).toString('hex')}`;
      const messages = [{ role: 'user' as const, content: `대출 심사 요약: ${marker}` }];
      const requestId = `audit-gw-${randomBytes(4).toString('hex')}`;
      const { response } = await openai(apiKey)
        .chat.completions.create({ model: 'audit-llama', messages }, { headers: { 'x-request-id': requestId } })
        .withResponse();
      expect(response.status).toBe(200);
      // No flush, no wait: the gateway answered only after the admission record committed.
      const [admitted] = await superuser(`select * from audit_events where request_id = $1 and action = 'gateway.request.admitted'`, [requestId]);
      expect(admitted).toMatchObject({
        tenant_id: ids['hanbit-bank'],
        outcome: 'success',
        resource_type: 'endpoint',
        endpoint: 'audit-llama',
        model: 'sim-llama',
        data_classification: 'internal',
        policy_decision: 'allow',
      });
      expect(admitted.actor).toMatchObject({ authMethod: 'api-key', institutionId: ids['hanbit-bank'], roles: ['tenant-member'] });
      const keys = AuditKeys.fromConfig(testConfig(e2eDatabase()));
      expect(admitted.prompt_hmac).toBe(keys.contentHmac(ids['hanbit-bank'], JSON.stringify(messages)));

      await gateway.audit.writer.flush();
      const [completed] = await superuser(`select * from audit_events where request_id = $1 and action = 'gateway.request.completed'`, [requestId]);
      expect(completed).toMatchObject({ outcome: 'success', http_status: 200, completion_tokens: 7, endpoint: 'audit-llama' });
      expect(completed.prompt_tokens).toBeGreaterThan(0);
      expect(completed.latency_ms).toBeGreaterThanOrEqual(0);

      const stored = await superuser(`select count(*)::int as n from audit_events e where e::text like '%' || $1 || '%'`, [marker]);
      expect(stored[0].n).toBe(0);

      gateway.audit.authenticationFailures.recorder.flush(); // a fresh window: the 401 below is its key's first
      await expect(
        openai('aic_not-a-real-key').chat.completions.create({ model: 'audit-llama', messages }, { headers: { 'x-request-id': `${requestId}-401` } }),
      ).rejects.toMatchObject({ status: 401 });
      await expect(
        openai(apiKey).chat.completions.create({ model: 'no-such-model', messages }, { headers: { 'x-request-id': `${requestId}-404` } }),
      ).rejects.toMatchObject({ status: 404 });
      gateway.audit.authenticationFailures.recorder.flush();
      await gateway.audit.writer.flush();
      const refusals = await superuser(
        `select request_id, action, outcome, http_status, tenant_id, details, actor from audit_events where request_id like $1 || '-%' order by request_id`,
        [requestId],
      );
      // The authentication failure is the window's aggregate for its (source, reason, route), named by its first request.
      expect(refusals).toEqual([
        expect.objectContaining({
          request_id: `${requestId}-401`,
          action: 'authentication.failure',
          outcome: 'denied',
          http_status: 401,
          tenant_id: null,
          details: expect.objectContaining({ reason: 'invalid_api_key', count: 1 }),
        }),
        expect.objectContaining({
          request_id: `${requestId}-404`,
          action: 'gateway.request.rejected',
          outcome: 'failure',
          http_status: 404,
          tenant_id: ids['hanbit-bank'],
          details: expect.objectContaining({ code: 'model_not_found' }),
        }),
      ]);
      expect(refusals[0].actor).toMatchObject({ subject: 'anonymous' });
    });

    it('responses only as HMAC: the completion record holds the HMAC of exactly the bytes the caller received, streamed or not', async () => {
      const keys = AuditKeys.fromConfig(testConfig(e2eDatabase()));
      const messages = [{ role: 'user' as const, content: '이번 분기 연체율 추이를 요약해 주세요' }];
      const plainId = `audit-resp-${randomBytes(4).toString('hex')}`;
      const plain = await openai(apiKey)
        .chat.completions.create({ model: 'audit-llama', messages }, { headers: { 'x-request-id': plainId } })
        .asResponse();
      const plainBody = Buffer.from(await plain.arrayBuffer());
      const streamId = `audit-resp-${randomBytes(4).toString('hex')}`;
      const streamed = await openai(apiKey)
        .chat.completions.create({ model: 'audit-llama', messages, stream: true }, { headers: { 'x-request-id': streamId } })
        .asResponse();
      const streamBody = Buffer.from(await streamed.arrayBuffer());
      expect(streamBody.toString('utf8')).toContain('data: [DONE]');
      await gateway.audit.writer.flush();
      const completed = async (requestId: string) =>
        (await superuser(`select response_hmac, http_status from audit_events where request_id = $1 and action = 'gateway.request.completed'`, [requestId]))[0];
      expect(await completed(plainId)).toEqual({ http_status: 200, response_hmac: keys.contentHmac(ids['hanbit-bank'], plainBody) });
      expect(await completed(streamId)).toEqual({ http_status: 200, response_hmac: keys.contentHmac(ids['hanbit-bank'], streamBody) });
      const [admitted] = await superuser(`select response_hmac from audit_events where request_id = $1 and action = 'gateway.request.admitted'`, [plainId]);
      expect(admitted.response_hmac).toBeNull();
      const content = JSON.parse(plainBody.toString('utf8')).choices[0].message.content as string;
      const stored = await superuser(`select count(*)::int as n from audit_events e where e::text like '%' || $1 || '%'`, [content.slice(0, 40)]);
      expect(stored[0].n).toBe(0);
      // The regulator sees the digest over GraphQL as well.
      const viewed = await gql(
        'regulator',
        `query($f: AuditEventFilter) { auditEvents(first: 5, filter: $f, newestFirst: true) { edges { node { requestId responseHmac } } } }`,
        {
          f: { institutionId: ids['hanbit-bank'], action: 'gateway.request.completed' },
        },
      );
      const nodes = viewed.data.auditEvents.edges.map((edge: any) => edge.node);
      expect(nodes).toContainEqual({ requestId: streamId, responseHmac: keys.contentHmac(ids['hanbit-bank'], streamBody) });
    });

    it('when the admission record cannot be written the answer is withheld (503 audit_unavailable), the endpoint is not blamed, and the gateway recovers', async () => {
      const messages = [{ role: 'user' as const, content: '감사 로그 장애 시험' }];
      const requestId = `audit-down-${randomBytes(4).toString('hex')}`;
      await superuser(`revoke insert on audit_events from ai_commons_app`);
      try {
        // More than GATEWAY_BREAKER_FAILURES: an audit outage must not open the model endpoint's circuit.
        for (let i = 0; i < 7; i++) {
          await expect(
            openai(apiKey).chat.completions.create({ model: 'audit-llama', messages }, { headers: { 'x-request-id': `${requestId}-${i}` } }),
          ).rejects.toMatchObject({ status: 503, code: 'audit_unavailable' });
        }
      } finally {
        await superuser(`grant insert on audit_events to ai_commons_app`);
      }
      const { response } = await openai(apiKey)
        .chat.completions.create({ model: 'audit-llama', messages }, { headers: { 'x-request-id': `${requestId}-after` } })
        .withResponse();
      expect(response.status).toBe(200);
      // Nothing was lost: the records held back during the outage were written afterwards.
      await gateway.audit.writer.flush();
      const rows = await superuser(`select request_id, action, http_status from audit_events where request_id like $1 || '-%' order by request_id, action`, [
        requestId,
      ]);
      for (let i = 0; i < 7; i++) {
        expect(rows).toContainEqual({ request_id: `${requestId}-${i}`, action: 'gateway.request.admitted', http_status: null });
        expect(rows).toContainEqual({ request_id: `${requestId}-${i}`, action: 'gateway.request.completed', http_status: 503 });
      }
    });

    it('when the admission commit is slower than the request timeout the caller gets its 504 on time, the endpoint is not blamed, nothing is lost', async () => {
      await createEndpointFixture({
        tenantSlug: 'hanbit-bank',
        name: 'audit-quick',
        upstreamUrl: simulator.url,
        upstreamModel: 'sim-llama',
        limits: { request_timeout_ms: 800 },
      });
      await gateway.routing.reload();
      const messages = [{ role: 'user' as const, content: '감사 로그 지연 시험' }];
      const requestId = `audit-slow-${randomBytes(4).toString('hex')}`;
      await withPg(e2eDatabase().superuserUrl, async (blocker) => {
        // Holds back every insert into audit_events: the admission commits wait, the model has answered.
        await blocker.query('begin');
        await blocker.query('lock table audit_events in share row exclusive mode');
        try {
          // More than GATEWAY_BREAKER_FAILURES: a slow audit log must not open the model endpoint's circuit.
          for (let i = 0; i < 7; i++) {
            const started = performance.now();
            await expect(
              openai(apiKey).chat.completions.create({ model: 'audit-quick', messages }, { headers: { 'x-request-id': `${requestId}-${i}` } }),
            ).rejects.toMatchObject({ status: 504, code: 'upstream_timeout' });
            expect(performance.now() - started).toBeLessThan(10_000); // answered at the timeout, not after the commit
          }
        } finally {
          await blocker.query('commit');
        }
      });
      const { response } = await openai(apiKey)
        .chat.completions.create({ model: 'audit-quick', messages }, { headers: { 'x-request-id': `${requestId}-after` } })
        .withResponse();
      expect(response.status).toBe(200);
      await gateway.audit.writer.flush();
      const rows = await superuser(`select request_id, action, http_status from audit_events where request_id like $1 || '-%'`, [requestId]);
      for (let i = 0; i < 7; i++) {
        expect(rows).toContainEqual({ request_id: `${requestId}-${i}`, action: 'gateway.request.admitted', http_status: null });
        expect(rows).toContainEqual({ request_id: `${requestId}-${i}`, action: 'gateway.request.completed', http_status: 504 });
      }
    });

    it('authentication failures on the control plane are recorded', async () => {
      controlPlane.audit.authenticationFailures.recorder.flush(); // a fresh window: this request is its key's first
      const requestId = `audit-cp-${randomBytes(4).toString('hex')}`;
      const response = await graphqlRequest(controlPlane.url, '{ me { subject } }', { token: 'not.a.jwt', headers: { 'x-request-id': requestId } });
      expect(errorCodes(response)[0]?.code).toBe('UNAUTHENTICATED');
      controlPlane.audit.authenticationFailures.recorder.flush();
      await controlPlane.audit.writer.flush();
      const [event] = await superuser(`select * from audit_events where request_id = $1`, [requestId]);
      expect(event).toMatchObject({ action: 'authentication.failure', resource_type: 'control-plane', outcome: 'denied', http_status: 401 });
    });
  });

  describe('the log', () => {
    it('gives every committed event a gap-free leaf index in one tree, and signs heads that verify with the published key', async () => {
      const { treeSize } = await settle();
      const [leaves] = await superuser(`select count(*)::int as n, min(leaf_index)::int as lo, max(leaf_index)::int as hi from audit_leaves`);
      expect(leaves.n).toBeGreaterThanOrEqual(treeSize);
      expect(leaves).toEqual({ n: leaves.n, lo: 0, hi: leaves.n - 1 });
      const heads = await superuser(`select tree_size::int as size from audit_tree_heads order by signed_at, tree_size`);
      const sizes = heads.map((head) => head.size);
      expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
      const head = (await gql('regulator', '{ latestTreeHead { treeSize timestamp rootHash keyId signature } }')).data.latestTreeHead as SignedTreeHead;
      expect(head.treeSize).toBeGreaterThanOrEqual(treeSize);
      const key = (await gql('hanbit-bank-analyst', '{ auditPublicKey { pem base64 keyId } }')).data.auditPublicKey;
      expect(key.keyId).toBe(head.keyId);
      expect(() => verifyTreeHead(head, importPublicKey(key.pem))).not.toThrow();
      expect(() => verifyTreeHead({ ...head, treeSize: head.treeSize + 1 }, importPublicKey(key.base64))).toThrow(/signature/);
    });

    it('returns one event with an inclusion proof that leads to the signed root', async () => {
      await settle();
      const [row] = await superuser(
        `select e.id from audit_events e join audit_leaves l on l.event_id = e.id where e.tenant_id = $1 order by l.leaf_index limit 1`,
        [ids['hanbit-bank']],
      );
      const response = await gql(
        'hanbit-bank-admin',
        `query($id: ID!) { auditEvent(id: $id) { event { id leafIndex institutionId } inclusionProof {
        leafIndex treeSize leafHash canonicalEvent proof treeHead { treeSize timestamp rootHash keyId signature } } } }`,
        { id: row.id },
      );
      expect(response.errors).toBeUndefined();
      const { event, inclusionProof } = response.data.auditEvent;
      expect(event).toMatchObject({ id: row.id, institutionId: ids['hanbit-bank'] });
      expect(toHex(leafHashOfUtf8(inclusionProof.canonicalEvent))).toBe(inclusionProof.leafHash);
      expect(JSON.parse(inclusionProof.canonicalEvent)).toMatchObject({ id: row.id, leafIndex: event.leafIndex, v: 1 });
      verifyTreeHead(inclusionProof.treeHead, importPublicKey((await gql('regulator', '{ auditPublicKey { pem } }')).data.auditPublicKey.pem));
      expect(() =>
        verifyInclusion({
          leafIndex: inclusionProof.leafIndex,
          treeSize: inclusionProof.treeSize,
          leafHash: fromHex(inclusionProof.leafHash),
          proof: inclusionProof.proof.map((hex: string) => fromHex(hex)),
          rootHash: fromHex(inclusionProof.treeHead.rootHash),
        }),
      ).not.toThrow();
      // Another institution's event is not found for a member (RLS), but is for a regulator.
      const [foreign] = await superuser(`select id from audit_events where tenant_id = $1 limit 1`, [ids['nuri-insurance']]);
      expect(errorCodes(await gql('hanbit-bank-admin', `query($id: ID!) { auditEvent(id: $id) { event { id } } }`, { id: foreign.id }))).toEqual([
        { code: 'NOT_FOUND', reason: 'AUDIT_EVENT_NOT_FOUND' },
      ]);
      expect((await gql('regulator', `query($id: ID!) { auditEvent(id: $id) { event { id } } }`, { id: foreign.id })).data.auditEvent.event.id).toBe(
        foreign.id,
      );
    });

    it('proves consistency between two tree sizes', async () => {
      const { treeSize } = await settle();
      const fromSize = Math.max(1, Math.floor(treeSize / 3));
      const response = await gql(
        'hanbit-bank-analyst',
        `query($from: Float!, $to: Float!) { consistencyProof(fromSize: $from, toSize: $to) { fromSize toSize fromRootHash toRootHash proof } }`,
        { from: fromSize, to: treeSize },
      );
      expect(response.errors).toBeUndefined();
      const proof = response.data.consistencyProof;
      const [head] = await superuser(`select encode(root_hash, 'hex') as root from audit_tree_heads where tree_size = $1 limit 1`, [treeSize]);
      expect(proof.toRootHash).toBe(head.root);
      expect(() =>
        verifyConsistency({
          fromSize,
          toSize: treeSize,
          fromRoot: fromHex(proof.fromRootHash),
          toRoot: fromHex(proof.toRootHash),
          proof: proof.proof.map((hex: string) => fromHex(hex)),
        }),
      ).not.toThrow();
      expect(errorCodes(await gql('regulator', `{ consistencyProof(fromSize: 5, toSize: 2) { proof } }`))).toEqual([
        { code: 'BAD_USER_INPUT', reason: 'INVALID_TREE_SIZE' },
      ]);
    });
  });

  describe('views', () => {
    it("members read only their own institution's events; analysts none; other institutions are refused", async () => {
      const own = await gql('hanbit-bank-admin', `{ auditEvents(first: 100) { edges { node { institutionId } } } }`);
      expect(own.errors).toBeUndefined();
      expect(own.data.auditEvents.edges.length).toBeGreaterThan(0);
      expect(new Set(own.data.auditEvents.edges.map((edge: any) => edge.node.institutionId))).toEqual(new Set([ids['hanbit-bank']]));
      expect(
        errorCodes(
          await gql('hanbit-bank-admin', `query($i: ID!) { auditEvents(filter: { institutionId: $i }) { edges { node { id } } } }`, {
            i: ids['nuri-insurance'],
          }),
        ),
      ).toEqual([{ code: 'FORBIDDEN', reason: 'WRONG_INSTITUTION' }]);
      expect(errorCodes(await gql('hanbit-bank-analyst', `{ auditEvents { edges { node { id } } } }`))).toEqual([
        { code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' },
      ]);
    });

    it('regulators filter by institution, actor, action, resource, outcome and time, page by keyset, and their reads are audited', async () => {
      // A few more events to page through.
      for (let i = 0; i < 4; i++) {
        await openai(apiKey).chat.completions.create({ model: 'audit-llama', messages: [{ role: 'user', content: `page ${i}` }] });
      }
      // (Other test files may have used other endpoints of the same institution.)
      const filter = {
        institutionId: ids['hanbit-bank'],
        action: 'gateway.request.admitted',
        resourceType: 'endpoint',
        resourceId: endpointId,
        outcome: 'success',
      };
      const all = await gql('regulator', `query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) { edges { node { ${EVENT_FIELDS} } } } }`, {
        f: filter,
      });
      expect(all.errors).toBeUndefined();
      const nodes = all.data.auditEvents.edges.map((edge: any) => edge.node);
      expect(nodes.length).toBeGreaterThanOrEqual(5);
      for (const node of nodes) {
        expect(node).toMatchObject({
          institutionId: ids['hanbit-bank'],
          action: 'gateway.request.admitted',
          outcome: 'success',
          endpoint: 'audit-llama',
          model: 'sim-llama',
        });
        expect(node.promptHmac).toMatch(/^[0-9a-f]{64}$/);
      }
      const times = nodes.map((node: any) => node.timestamp);
      expect([...times].sort()).toEqual(times);

      const paged: string[] = [];
      let after: string | null = null;
      do {
        const page: any = await gql(
          'regulator',
          `query($f: AuditEventFilter, $after: String) { auditEvents(first: 2, after: $after, filter: $f) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
          { f: filter, after },
        );
        paged.push(...page.data.auditEvents.edges.map((edge: any) => edge.node.id));
        after = page.data.auditEvents.pageInfo.hasNextPage ? page.data.auditEvents.pageInfo.endCursor : null;
      } while (after);
      expect(paged).toEqual(nodes.map((node: any) => node.id));

      const newest = await gql('regulator', `query($f: AuditEventFilter) { auditEvents(first: 3, filter: $f, newestFirst: true) { edges { node { id } } } }`, {
        f: filter,
      });
      expect(newest.data.auditEvents.edges.map((edge: any) => edge.node.id)).toEqual(
        nodes
          .map((node: any) => node.id)
          .reverse()
          .slice(0, 3),
      );

      const middle = nodes[Math.floor(nodes.length / 2)];
      const windowed = await gql('regulator', `query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) { edges { node { id } } } }`, {
        f: { ...filter, from: middle.timestamp, to: new Date(Date.parse(nodes[nodes.length - 1].timestamp) + 1).toISOString() },
      });
      expect(windowed.data.auditEvents.edges.map((edge: any) => edge.node.id)).toEqual(
        nodes.filter((node: any) => node.timestamp >= middle.timestamp).map((node: any) => node.id),
      );

      const byActor = await gql(
        'regulator',
        `query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) { edges { node { actor { subject } resourceId } } } }`,
        {
          f: { actor: nodes[0].actor.subject, resourceId: nodes[0].resourceId },
        },
      );
      expect(byActor.data.auditEvents.edges.length).toBeGreaterThanOrEqual(nodes.length);

      // The regulator's own reads are in the log (cross-tenant read access, with what was read).
      const [regulatorSub] = await superuser(
        `select actor->>'subject' as subject from audit_events where action = 'cross-tenant.access' and actor->>'username' = 'regulator' limit 1`,
      );
      expect(regulatorSub).toBeDefined();
      const reads = await superuser(
        `select details from audit_events where action = 'cross-tenant.access' and actor_subject = $1 and details->>'reason' like 'audit events%'`,
        [regulatorSub.subject],
      );
      expect(reads.length).toBeGreaterThanOrEqual(4);
      expect(reads.map((read) => read.details)).toContainEqual({ access: 'read', reason: expect.stringContaining('action=gateway.request.admitted') });
    });
  });

  describe('export bundles', () => {
    it('a full export (regulator) and one institution’s export (its admin) both verify offline against the pinned key', async () => {
      await settle();
      const full = await downloadBundle(controlPlane.url, tokens['regulator'], {}, work);
      expect(full.headers.get('content-type')).toBe('application/x-tar');
      expect(full.headers.get('content-disposition')).toMatch(/^attachment; filename="ai-commons-audit-all-.*\.tar"$/);
      const fullResult = await runAuditVerifier(full.directory, publicKeyPath);
      expect({ code: fullResult.code, failures: failureCodes(fullResult) }).toEqual({ code: 0, failures: [] });
      expect(fullResult.report).toMatchObject({ ok: true, scope: 'full' });
      expect(fullResult.report!.counts.events).toBe(Number(full.headers.get('x-audit-event-count')));
      expect(fullResult.report!.counts.treeRootsMatched).toBeGreaterThan(0);

      const from = new Date(Date.now() - 3_600_000).toISOString();
      const own = await downloadBundle(controlPlane.url, tokens['hanbit-bank-admin'], { from, to: new Date(Date.now() + 60_000).toISOString() }, work);
      const ownResult = await runAuditVerifier(own.directory, publicKeyPath);
      expect({ code: ownResult.code, failures: failureCodes(ownResult) }).toEqual({ code: 0, failures: [] });
      expect(ownResult.report).toMatchObject({ ok: true, scope: 'filtered' });
      expect(ownResult.report!.counts.inclusionProofsVerified).toBe(ownResult.report!.counts.events);
      expect(ownResult.report!.counts.events).toBeGreaterThan(3);

      // The same bundle through the CLI as a real process (what `npm run verify:audit` runs, from sources).
      const cli = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '-r',
            path.join(repoRoot, 'tools/register-ts.cjs'),
            path.join(repoRoot, 'apps/audit-verifier/src/main.ts'),
            '--bundle',
            own.directory,
            '--public-key',
            publicKeyPath,
          ],
          { cwd: repoRoot },
        );
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.on('exit', (code) => resolve({ code, out }));
      });
      expect(cli.code).toBe(0);
      expect(cli.out).toContain('VERIFIED');

      const [exported] = await superuser(`select * from audit_events where action = 'audit.export' and tenant_id = $1 order by seq desc limit 1`, [
        ids['hanbit-bank'],
      ]);
      expect(exported.details).toMatchObject({ scope: 'filtered', from });
      expect(exported.actor).toMatchObject({ username: 'hanbit-bank-admin' });
    });

    it('refuses other institutions, analysts and anonymous callers', async () => {
      const get = (token: string | undefined, query = '') =>
        fetch(`${controlPlane.url}/audit/export${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect((await get(tokens['nuri-insurance-admin'], `?institutionId=${ids['hanbit-bank']}`)).status).toBe(403);
      expect((await get(tokens['hanbit-bank-analyst'])).status).toBe(403);
      expect((await get(undefined)).status).toBe(401);
      expect((await get(tokens['regulator'], '?from=yesterday')).status).toBe(400);
    });

    it('the bundle holds no prompt text, and every event line is the canonical JSON that was hashed', async () => {
      await settle();
      const bundle = await downloadBundle(controlPlane.url, tokens['regulator'], { institutionId: ids['hanbit-bank'] }, work);
      const { readFile } = await import('node:fs/promises');
      const lines = (await readFile(path.join(bundle.directory, 'events.jsonl'), 'utf8')).trim().split('\n');
      expect(lines.join('\n')).not.toContain('audit-prompt-');
      const admitted = lines
        .map((line) => JSON.parse(line))
        .find((line) => line.event.action === 'gateway.request.admitted' && line.event.request?.endpoint === 'audit-llama');
      expect(admitted.event).toMatchObject({
        v: 1,
        institutionId: ids['hanbit-bank'],
        request: { endpoint: 'audit-llama', promptHmac: expect.stringMatching(/^[0-9a-f]{64}$/) },
      });
      const [leaf] = await superuser(`select leaf_hash from audit_leaves where leaf_index = $1`, [admitted.leafIndex]);
      const canonical = lines
        .find((line) => JSON.parse(line).leafIndex === admitted.leafIndex)!
        .slice('{"event":'.length, -`,"leafIndex":${admitted.leafIndex}}`.length);
      expect(
        createHash('sha256')
          .update(Buffer.concat([Buffer.from([0]), Buffer.from(canonical, 'utf8')]))
          .digest('hex'),
      ).toBe(toHex(leaf.leaf_hash));
    });
  });

  describe('append-only storage', () => {
    it('the app role may only INSERT and SELECT; UPDATE, DELETE and TRUNCATE are refused on every audit table', async () => {
      const tables = ['audit_events', 'audit_leaves', 'audit_tree_nodes', 'audit_tree_heads'];
      const owners = await superuser(
        `select c.relname, r.rolname, r.rolcanlogin from pg_class c join pg_roles r on r.oid = c.relowner where c.relname = any($1)`,
        [tables],
      );
      expect(owners).toHaveLength(4);
      for (const owner of owners) expect(owner).toMatchObject({ rolname: 'ai_commons_audit_owner', rolcanlogin: false });
      const grants = await superuser(
        `select table_name, array_agg(privilege_type::text order by privilege_type) as privileges from information_schema.role_table_grants
        where grantee = 'ai_commons_app' and table_name = any($1) group by table_name`,
        [tables],
      );
      for (const grant of grants) expect(grant.privileges).toEqual(['INSERT', 'SELECT']);

      const column: Record<string, string> = { audit_events: 'action', audit_leaves: 'leaf_index', audit_tree_nodes: 'level', audit_tree_heads: 'key_id' };
      await withPg(e2eDatabase().appUrl, async (client) => {
        for (const table of tables) {
          for (const statement of [`update ${table} set ${column[table]} = ${column[table]}`, `delete from ${table}`, `truncate ${table}`]) {
            for (const mode of ['admin', 'system']) {
              await client.query('begin');
              await client.query(`select set_config('app.cross_tenant', $1, true)`, [mode]);
              await expect(client.query(statement)).rejects.toThrow(/append-only|permission denied/);
              await client.query('rollback');
            }
          }
        }
      });
      // Whoever holds the owner's privileges still cannot change rows: the triggers refuse (a superuser must switch them off).
      await withPg(e2eDatabase().superuserUrl, async (client) => {
        for (const table of tables) {
          await expect(client.query(`update ${table} set ${column[table]} = ${column[table]}`)).rejects.toThrow(/append-only/);
          await expect(client.query(`delete from ${table}`)).rejects.toThrow(/append-only/);
        }
        for (const table of ['audit_leaves', 'audit_tree_nodes', 'audit_tree_heads']) {
          await expect(client.query(`truncate ${table}`)).rejects.toThrow(/append-only/);
        }
      });
    });
  });
});
