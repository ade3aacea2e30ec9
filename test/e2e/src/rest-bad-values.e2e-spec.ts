import { userToken } from '@ai-commons/testing';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { startControlPlane } from './support/environment';

/** The control plane's two REST downloads follow the GraphQL input rules: a bad value is a 400. */
describe('REST routes refuse bad values with a 400, never a 500', () => {
  let controlPlane: ControlPlane;
  let token: string;
  beforeAll(async () => {
    controlPlane = await startControlPlane();
    token = await userToken('regulator');
  });
  afterAll(() => controlPlane.close());

  const get = async (path: string) => {
    const response = await fetch(`${controlPlane.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json().catch(() => null)) as { error?: { reason?: string } } | null };
  };

  it.each([
    ['-'.repeat(36), 'INVALID_ID'],
    ['%00', 'INVALID_ID'],
    ['not-a-uuid.json', 'INVALID_ID'],
  ])('GET /isolation/reports/%s.json', async (id, reason) => {
    const { status, body } = await get(`/isolation/reports/${id}.json`);
    expect(status).toBe(400);
    expect(body?.error?.reason).toBe(reason);
  });

  it.each([
    ['?from=-271821-04-20T00:00:00Z', 'INVALID_TIME_RANGE'],
    ['?to=%2B275760-09-13T00:00:00Z', 'INVALID_TIME_RANGE'],
    ['?from=2026-02-30T00:00:00Z', 'INVALID_TIME_RANGE'],
  ])('GET /audit/export%s', async (query, reason) => {
    const { status, body } = await get(`/audit/export${query}`);
    expect(status).toBe(400);
    expect(body?.error?.reason).toBe(reason);
  });
});
