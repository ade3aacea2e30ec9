import fc from 'fast-check';
import type { ModelSimulator, SimulatorStats } from '../src';
import { SIMULATOR_HEADERS } from '../src';
import { eventually, getJson, postJson, startTestSimulator, USER_HELLO } from './support/simulator-fixture';

type RequestKind = 'chat' | 'chatStream' | 'embeddings' | 'injected' | 'badInput' | 'unknownModel' | 'stallThenAbort' | 'streamStallThenAbort';

const CHAT = { model: 'gpt-4o-mini', messages: USER_HELLO };

/**
 * Sends one request of `kind`. Completing kinds resolve when the client has the whole response;
 * stalling kinds resolve to a function that aborts the stalled request and waits for the client
 * to notice (they are aborted only once the simulator has registered every stall, so no request
 * can reach the server after the check).
 */
async function send(simulator: ModelSimulator, kind: RequestKind): Promise<(() => Promise<void>) | void> {
  switch (kind) {
    case 'chat':
      return expectStatus(postJson(simulator, '/v1/chat/completions', CHAT), 200);
    case 'chatStream': {
      const response = await fetch(`${simulator.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...CHAT, stream: true, stream_options: { include_usage: true } }),
      });
      expect((await response.text()).endsWith('data: [DONE]\n\n')).toBe(true);
      return;
    }
    case 'embeddings':
      return expectStatus(postJson(simulator, '/v1/embeddings', { model: 'gpt-4o-mini', input: ['a', 'b'] }), 200);
    case 'injected':
      return expectStatus(postJson(simulator, '/v1/embeddings', { model: 'gpt-4o-mini', input: 'a' }, { [SIMULATOR_HEADERS.fail]: '503' }), 503);
    case 'badInput':
      return expectStatus(postJson(simulator, '/v1/chat/completions', { model: 'gpt-4o-mini' }), 400);
    case 'unknownModel':
      return expectStatus(postJson(simulator, '/v1/chat/completions', { ...CHAT, model: 'nope' }), 404);
    case 'stallThenAbort':
    case 'streamStallThenAbort': {
      const abort = new AbortController();
      const stall = kind === 'stallThenAbort' ? 'before-headers' : 'after-first-chunk';
      const request = fetch(`${simulator.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIMULATOR_HEADERS.stall]: stall },
        body: JSON.stringify({ ...CHAT, stream: kind === 'streamStallThenAbort' }),
        signal: abort.signal,
      })
        .then((response) => response.text())
        .then(
          () => 'completed',
          () => 'aborted',
        );
      return async () => {
        abort.abort();
        expect(await request).toBe('aborted');
      };
    }
  }
}

async function expectStatus(response: Promise<{ status: number }>, status: number): Promise<void> {
  expect((await response).status).toBe(status);
}

function expectedStats(kinds: readonly RequestKind[]): SimulatorStats {
  const count = (...wanted: RequestKind[]): number => kinds.filter((kind) => wanted.includes(kind)).length;
  const served = { chat: count('chat'), chatStream: count('chatStream'), embeddings: count('embeddings') };
  return {
    served: { total: served.chat + served.chatStream + served.embeddings, ...served },
    started: kinds.length,
    failedInjected: count('injected'),
    rejected: count('badInput', 'unknownModel'),
    aborted: count('stallThenAbort', 'streamStallThenAbort'),
    stalled: count('stallThenAbort', 'streamStallThenAbort'),
    inFlight: 0,
    prefixCache: { hits: 0, misses: 0 },
  };
}

describe('stats counters', () => {
  let simulator: ModelSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ outputTokens: 4, embeddingDimension: 8 });
  });
  afterAll(() => simulator.close());

  it('account for every request of any concurrent mix exactly once', async () => {
    const kinds = fc.constantFrom<RequestKind>(
      'chat',
      'chatStream',
      'embeddings',
      'injected',
      'badInput',
      'unknownModel',
      'stallThenAbort',
      'streamStallThenAbort',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(kinds, { maxLength: 10 }), async (mix) => {
        simulator.resetStats();
        const expected = expectedStats(mix);
        const aborts = await Promise.all(mix.map((kind) => send(simulator, kind)));
        await eventually(() => simulator.stats().stalled === expected.stalled);
        await Promise.all(aborts.map((abort) => abort?.()));
        await eventually(() => simulator.stats().inFlight === 0);
        expect(simulator.stats()).toEqual(expected);
      }),
      { numRuns: 15 },
    );
  });

  it('are exposed over HTTP and reset without losing requests in flight', async () => {
    simulator.resetStats();
    await send(simulator, 'chat');
    const abort = new AbortController();
    const pending = fetch(`${simulator.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIMULATOR_HEADERS.stall]: 'before-headers' },
      body: JSON.stringify({ model: 'gpt-4o-mini', input: 'x' }),
      signal: abort.signal,
    }).catch(() => undefined);
    await eventually(() => simulator.stats().inFlight === 1);

    expect((await getJson(simulator, '/_sim/stats')).body).toMatchObject({ started: 2, served: { total: 1, chat: 1 }, inFlight: 1 });
    const reset = await postJson(simulator, '/_sim/stats/reset', {});
    expect(reset.body).toMatchObject({ started: 1, served: { total: 0 }, inFlight: 1 });

    abort.abort();
    await pending;
    await eventually(() => simulator.stats().inFlight === 0);
    expect(simulator.stats()).toMatchObject({ started: 1, aborted: 1 });
  });
});
