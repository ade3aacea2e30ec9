import type { ModelSimulator } from '../src';
import { openAiClient, startTestSimulator } from './support/simulator-fixture';

describe('prefix cache: a prompt prefix seen recently starts faster', () => {
  let simulator: ModelSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ ttftMs: 300, cachedTtftMs: 20, prefixCacheEntries: 2 });
  });
  afterAll(() => simulator.close());

  async function timeToFirstToken(system: string, question: string): Promise<number> {
    const started = performance.now();
    const stream = await openAiClient(simulator).chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: question },
      ],
    });
    let first: number | undefined;
    for await (const _chunk of stream) first ??= performance.now() - started;
    return first!;
  }

  it('counts hits and misses, keeps the last N prefixes (LRU) and leaves single-message prompts alone', async () => {
    simulator.resetStats();
    expect(await timeToFirstToken('bank policies', 'q1')).toBeGreaterThanOrEqual(290);
    expect(await timeToFirstToken('bank policies', 'q2')).toBeLessThan(250);
    await timeToFirstToken('card policies', 'q3');
    await timeToFirstToken('loan policies', 'q4'); // evicts "bank policies" (2 entries)
    expect(await timeToFirstToken('bank policies', 'q5')).toBeGreaterThanOrEqual(290);
    await openAiClient(simulator).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'alone' }] });
    expect(simulator.stats().prefixCache).toEqual({ hits: 1, misses: 4 });
  });
});
