import { SIMULATOR_HEADERS } from '../src';
import { eventually, startTestSimulator, USER_HELLO } from './support/simulator-fixture';

function streamRequest(url: string, headers: Record<string, string> = {}): Promise<string> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: USER_HELLO, stream: true }),
  }).then((response) => response.text());
}

describe('close()', () => {
  it('cuts stalled requests at once instead of waiting out the grace period', async () => {
    const simulator = await startTestSimulator();
    const stalled = streamRequest(simulator.url, { [SIMULATOR_HEADERS.stall]: 'before-headers' }).catch((error: unknown) => error);
    await eventually(() => simulator.stats().stalled === 1);

    const closing = performance.now();
    await simulator.close({ graceMs: 10_000 });
    expect(performance.now() - closing).toBeLessThan(1_000);
    expect(await stalled).toMatchObject({ name: 'TypeError' });
    expect(simulator.stats()).toMatchObject({ aborted: 1, inFlight: 0 });
  });

  it('lets an in-flight stream finish within the grace period and refuses new connections', async () => {
    const simulator = await startTestSimulator({ outputTokens: 4, interTokenMs: 30 });
    const inFlight = streamRequest(simulator.url);
    await eventually(() => simulator.stats().inFlight === 1);

    const closed = simulator.close();
    expect((await inFlight).endsWith('data: [DONE]\n\n')).toBe(true);
    await closed;
    expect(simulator.stats()).toMatchObject({ served: { chatStream: 1 }, inFlight: 0 });
    await expect(streamRequest(simulator.url)).rejects.toThrow();
  });

  it('cuts unfinished responses when the grace period is over', async () => {
    const simulator = await startTestSimulator({ outputTokens: 50, interTokenMs: 50 });
    const inFlight = streamRequest(simulator.url).catch((error: unknown) => error);
    await eventually(() => simulator.stats().inFlight === 1);

    await simulator.close({ graceMs: 30 });
    expect(await inFlight).toMatchObject({ name: 'TypeError' });
    expect(simulator.stats()).toMatchObject({ aborted: 1, inFlight: 0 });
  });
});
