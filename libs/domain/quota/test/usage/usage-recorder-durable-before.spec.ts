import type { TenantDatabase } from '@ai-commons/database';
import { JsonLogger } from '@ai-commons/observability';
import { UsageRecorder, type UsageRecord } from '../../src/usage/usage-recorder';

const logger = new JsonLogger('test', 'error', () => undefined);

function record(requestId: string): UsageRecord {
  return {
    tenantId: 't',
    requestId,
    endpointId: null,
    endpointName: 'e',
    model: 'm',
    apiKeyId: null,
    principalSubject: 's',
    promptTokens: 1,
    completionTokens: 1,
    latencyMs: 1,
    httpStatus: 200,
    outcome: 'success',
    streamed: false,
    occurredAt: new Date(0),
    callId: null,
  };
}

describe('UsageRecorder.durableBefore (what recovery may assume written)', () => {
  it('is held back by the earliest call admitted and not yet written: open, then buffered; released once written', async () => {
    const written: unknown[] = [];
    const db = {
      transaction: async (work: (tx: unknown) => Promise<void>) => work({ query: async (_sql: string, parameters: unknown[]) => written.push(parameters) }),
    };
    const recorder = new UsageRecorder(db as unknown as TenantDatabase, 60_000, 100, logger);
    expect(recorder.durableBefore(5_000).getTime()).toBe(5_000);
    const first = recorder.begin(1_000);
    const second = recorder.begin(2_000);
    expect(recorder.durableBefore(5_000).getTime()).toBe(1_000);
    recorder.forget(first); // refused at admission: owes no record
    expect(recorder.durableBefore(5_000).getTime()).toBe(2_000);
    recorder.record(record('r2'), second);
    expect(recorder.durableBefore(5_000).getTime()).toBe(2_000); // buffered is not written
    await recorder.flush();
    expect(written).toHaveLength(1);
    expect(recorder.durableBefore(5_000).getTime()).toBe(5_000);
  });
});
