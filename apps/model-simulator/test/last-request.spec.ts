import { parseCli } from '../src/cli/cli-options';
import { getJson, openAiClient, startTestSimulator, USER_HELLO } from './support/simulator-fixture';

// Tests that check what a model actually received (e.g. PII masked by the gateway) read it here.
describe('GET /_sim/last-request', () => {
  it('is not served unless recording was asked for', async () => {
    const simulator = await startTestSimulator();
    try {
      await openAiClient(simulator).chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO });
      expect((await getJson(simulator, '/_sim/last-request')).status).toBe(404);
    } finally {
      await simulator.close();
    }
  });

  it('returns the last inference request body as received', async () => {
    const simulator = await startTestSimulator({ recordLastRequest: true });
    try {
      expect((await getJson(simulator, '/_sim/last-request')).body).toEqual({ request: null });
      await openAiClient(simulator).chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, user: 'u-1', metadata: { k: 'v' } });
      const { status, body } = await getJson(simulator, '/_sim/last-request');
      expect(status).toBe(200);
      expect(body.request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { messages: USER_HELLO, user: 'u-1', metadata: { k: 'v' } } });
      // Headers as received, for propagation checks (traceparent), without the credential.
      expect(body.request.headers['content-type']).toBe('application/json');
      expect(body.request.headers).not.toHaveProperty('authorization');
    } finally {
      await simulator.close();
    }
  });

  it('is switched on by --record-last-request or MODEL_SIM_RECORD_LAST_REQUEST', () => {
    expect(parseCli(['--record-last-request', 'true'], {}).options.recordLastRequest).toBe(true);
    expect(parseCli([], { MODEL_SIM_RECORD_LAST_REQUEST: '1' }).options.recordLastRequest).toBe(true);
    expect(parseCli([], {}).options.recordLastRequest).toBeUndefined();
    expect(() => parseCli(['--record-last-request', 'yes'], {})).toThrow('must be true or false');
  });
});
