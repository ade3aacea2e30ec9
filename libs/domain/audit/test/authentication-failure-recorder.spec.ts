import { AuthenticationFailureRecorder } from '../src/authentication-failures/authentication-failure-recorder';
import { AuditBatchWriter } from '../src/writer/audit-batch-writer';
import type { AuditEventInput } from '../src/events/audit-event';

describe('AuthenticationFailureRecorder', () => {
  afterEach(() => jest.useRealTimers());

  it('writes one authentication.failure per key when the window ends, with count, first and last time', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-03T10:00:00Z') });
    const written: AuditEventInput[] = [];
    const writer = new AuditBatchWriter(async (events) => void written.push(...events), { flushMs: 600_000 });
    const recorder = new AuthenticationFailureRecorder(writer, 'gateway', { windowMs: 60_000, maxKeys: 10 });
    recorder.start();
    for (let i = 0; i < 500; i++) {
      recorder.record({ sourceAddress: '10.0.0.7', reason: 'invalid_api_key', route: 'POST /v1/chat', httpStatus: 401, requestId: `r${i}` });
      jest.advanceTimersByTime(10);
    }
    expect(recorder.pending).toBe(500);
    jest.advanceTimersByTime(60_000 - 5_000); // the window ends
    await writer.flush();
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      action: 'authentication.failure',
      tenantId: null,
      requestId: 'r0',
      resourceType: 'gateway',
      resourceId: 'POST /v1/chat',
      outcome: 'denied',
      httpStatus: 401,
      actor: { subject: 'anonymous', sourceAddress: '10.0.0.7' },
      details: {
        reason: 'invalid_api_key',
        count: 500,
        firstAt: '2026-12-03T10:00:00.000Z',
        lastAt: '2026-12-03T10:00:04.990Z',
        windowStart: '2026-12-03T10:00:00.000Z',
        windowEnd: '2026-12-03T10:01:00.000Z',
      },
    });
    // An empty window writes nothing; stop hands over what the open window holds.
    jest.advanceTimersByTime(60_000);
    recorder.record({ sourceAddress: '10.0.0.8', reason: 'TOKEN_EXPIRED', route: 'POST /graphql', httpStatus: 401 });
    recorder.stop();
    await writer.flush();
    expect(written.map((event) => [event.actor.sourceAddress, event.details['count']])).toEqual([
      ['10.0.0.7', 500],
      ['10.0.0.8', 1],
    ]);
  });
});
