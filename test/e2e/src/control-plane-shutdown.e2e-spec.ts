import { randomBytes } from 'node:crypto';
import { errorCodes, graphqlRequest, userToken, withPg } from '@ai-commons/testing';
import { e2eDatabase, startControlPlane } from './support/environment';
import { startControlPlaneProcess, type GatewayProcess } from './support/audit-support';

function superuser<T = any>(sql: string, parameters: unknown[] = []): Promise<T[]> {
  return withPg(e2eDatabase().superuserUrl, async (client) => (await client.query(sql, parameters)).rows as T[]);
}

/**
 * Authorization refusals and authentication failures are queued (batched, windowed), not written in
 * the request: SIGTERM must write them before the process exits.
 */
describe('control plane SIGTERM', () => {
  let controlPlane: GatewayProcess;

  beforeAll(async () => {
    await (await startControlPlane()).close(); // seeds the demo institutions
    // Nothing is written on its own for ten minutes: only the shutdown can write these records.
    controlPlane = await startControlPlaneProcess(e2eDatabase(), {
      AUDIT_WRITE_FLUSH_MS: '600000',
      AUTH_FAILURE_WINDOW_MS: '600000',
      AUDIT_SEQUENCER_ENABLED: 'false',
    });
  });
  afterAll(() => {
    if (controlPlane?.process.exitCode === null && controlPlane.process.signalCode === null) controlPlane.process.kill('SIGKILL');
  });

  it('writes the queued refusals and the open authentication-failure window, then exits 0', async () => {
    const run = randomBytes(4).toString('hex');
    const [{ id }] = await superuser<{ id: string }>(`select id from institutions where slug = 'gaon-securities'`);
    const failed = await graphqlRequest(controlPlane.url, '{ me { subject } }', { token: 'not.a.jwt', headers: { 'x-request-id': `shutdown-${run}-401` } });
    expect(errorCodes(failed)[0]?.code).toBe('UNAUTHENTICATED');
    const refused = await graphqlRequest(controlPlane.url, 'mutation($id: ID!) { suspendInstitution(id: $id, reason: "x") { id } }', {
      token: await userToken('hanbit-bank-analyst'),
      variables: { id },
      headers: { 'x-request-id': `shutdown-${run}-403` },
    });
    expect(errorCodes(refused)[0]?.code).toBe('FORBIDDEN');
    const recorded = () => superuser(`select request_id, action from audit_events where request_id like $1 order by request_id`, [`shutdown-${run}-%`]);
    expect(await recorded()).toEqual([]); // still queued

    controlPlane.process.kill('SIGTERM');
    expect(await controlPlane.exited).toBe('0');
    expect(await recorded()).toEqual([
      { request_id: `shutdown-${run}-401`, action: 'authentication.failure' },
      { request_id: `shutdown-${run}-403`, action: 'authorization.denied' },
    ]);
  });
});
