import { randomUUID } from 'node:crypto';
import { AuditBatchWriter } from '../src/writer/audit-batch-writer';
import type { DeadLetter } from '@ai-commons/database';
import type { AuditEventInput } from '../src/events/audit-event';

function event(action = 'test.event'): AuditEventInput {
  return {
    id: randomUUID(),
    tenantId: null,
    occurredAt: new Date(),
    requestId: null,
    actor: { subject: 'tester' },
    action,
    resourceType: 'test',
    resourceId: null,
    outcome: 'success',
    details: {},
  };
}

/** A store whose writes complete when the test says so. */
function manualStore() {
  const writes: { events: AuditEventInput[]; resolve: () => void; reject: (error: Error) => void }[] = [];
  const store = (events: AuditEventInput[]) =>
    new Promise<void>((resolve, reject) => {
      writes.push({ events, resolve, reject });
    });
  return { writes, store };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await tick();
};

describe('AuditBatchWriter (group commit)', () => {
  it('resolves a durable append only after its batch is written', async () => {
    const { writes, store } = manualStore();
    const writer = new AuditBatchWriter(store, { flushMs: 60_000 });
    let durable = false;
    const pending = writer.appendDurable(event()).then(() => (durable = true));
    await tick();
    expect(writes).toHaveLength(1);
    expect(durable).toBe(false);
    writes[0]!.resolve();
    await pending;
    expect(durable).toBe(true);
  });

  it('writes everything that arrived during a write as the next single batch', async () => {
    const { writes, store } = manualStore();
    const writer = new AuditBatchWriter(store, { flushMs: 60_000, maxInFlight: 1 });
    const first = writer.appendDurable(event('first'));
    await tick();
    expect(writes).toHaveLength(1);
    // While the first batch is being written, 50 requests and 3 non-urgent records queue up.
    const waiting = Array.from({ length: 50 }, (_, i) => writer.appendDurable(event(`waiting-${i}`)));
    for (let i = 0; i < 3; i++) writer.append(event(`completion-${i}`));
    await tick();
    expect(writes).toHaveLength(1);
    writes[0]!.resolve();
    await first;
    await ticks(3);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.events.map((e) => e.action)).toEqual([
      ...Array.from({ length: 50 }, (_, i) => `waiting-${i}`),
      'completion-0',
      'completion-1',
      'completion-2',
    ]);
    writes[1]!.resolve();
    await Promise.all(waiting);
    expect(writer.pending).toBe(0);
  });

  it('overlaps a second write only once a batch of work waits behind the first, never more than maxInFlight', async () => {
    const { writes, store } = manualStore();
    const writer = new AuditBatchWriter(store, { flushMs: 60_000, maxInFlight: 2 });
    const first = writer.appendDurable(event('first'));
    await tick();
    const few = [writer.appendDurable(event('a')), writer.appendDurable(event('b'))];
    await ticks(2);
    expect(writes).toHaveLength(1); // two records wait for the first write instead of a round trip of their own
    const many = Array.from({ length: 40 }, (_, i) => writer.appendDurable(event(`many-${i}`)));
    await ticks(2);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.events).toHaveLength(42);
    const more = Array.from({ length: 40 }, (_, i) => writer.appendDurable(event(`more-${i}`)));
    await ticks(2);
    expect(writes).toHaveLength(2); // at most two in flight
    writes[0]!.resolve();
    await first;
    await ticks(3);
    expect(writes).toHaveLength(3);
    expect(writes[2]!.events).toHaveLength(40);
    writes[1]!.resolve();
    writes[2]!.resolve();
    await Promise.all([...few, ...many, ...more]);
  });

  it('once records come in company, lets those arriving within the group-commit window share one write', async () => {
    const sizes: number[] = [];
    const writer = new AuditBatchWriter(async (events) => void sizes.push(events.length), { flushMs: 60_000, groupCommitWindowMs: 30 });
    // Three in one tick: the first is written at once (alone so far), the two queued behind it together: company.
    await Promise.all([writer.appendDurable(event()), writer.appendDurable(event()), writer.appendDurable(event())]);
    await tick(); // that write's bookkeeping done: the writer is idle
    const first = writer.appendDurable(event());
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = writer.appendDurable(event());
    await Promise.all([first, second]);
    expect(sizes).toEqual([1, 2, 2]);
  });

  it('sends a lone durable record on an idle writer in the same tick (no hop before the round trip starts)', async () => {
    const { writes, store } = manualStore();
    const writer = new AuditBatchWriter(store, { flushMs: 60_000, groupCommitWindowMs: 5 });
    const pending = writer.appendDurable(event());
    expect(writes).toHaveLength(1); // synchronously, before any tick
    writes[0]!.resolve();
    await pending;
  });

  it('writes a durable record that arrives alone at once, without waiting out the window', async () => {
    const sizes: number[] = [];
    // A window longer than the test's timeout: waiting it out would fail the test.
    const writer = new AuditBatchWriter(async (events) => void sizes.push(events.length), { flushMs: 60_000, groupCommitWindowMs: 50_000 });
    await writer.appendDurable(event());
    expect(sizes).toEqual([1]);
    // Alone again (the last write had one waiter): still no wait.
    await writer.appendDurable(event());
    expect(sizes).toEqual([1, 1]);
  });

  it('leaves records nobody waits for to the timer or flush()', async () => {
    const { writes, store } = manualStore();
    const writer = new AuditBatchWriter(store, { flushMs: 60_000 });
    writer.append(event());
    await tick();
    expect(writes).toHaveLength(0);
    const flushed = writer.flush();
    await tick();
    writes[0]!.resolve();
    await flushed;
    expect(writer.pending).toBe(0);
  });

  it('a failed write rejects its waiters and keeps every record (same ids) for the next attempt', async () => {
    const { writes, store } = manualStore();
    const writer = new AuditBatchWriter(store, { flushMs: 60_000 });
    const durable = event('durable');
    const background = event('background');
    writer.append(background);
    const pending = writer.appendDurable(durable);
    await tick();
    writes[0]!.reject(new Error('database down'));
    await expect(pending).rejects.toThrow('database down');
    expect(writer.pending).toBe(2);
    const flushed = writer.flush();
    await tick();
    expect(writes[1]!.events.map((e) => e.id).sort()).toEqual([durable.id, background.id].sort());
    writes[1]!.resolve();
    await flushed;
    expect(writer.pending).toBe(0);
  });

  it('splits large queues into batches of maxBatch rows', async () => {
    const sizes: number[] = [];
    const writer = new AuditBatchWriter(async (events) => void sizes.push(events.length), { flushMs: 60_000, maxBatch: 4 });
    for (let i = 0; i < 10; i++) writer.append(event());
    await writer.flush();
    expect(sizes).toEqual([4, 4, 2]);
  });
});

describe('AuditBatchWriter with a record the database refuses', () => {
  const outOfRange = () => Object.assign(new Error('value "3000000000" is out of range for type integer'), { code: '22003' });
  /** Refuses any batch holding a poisoned event, like PostgreSQL refusing an int4 overflow. */
  function refusingStore() {
    const written: string[] = [];
    const store = async (events: AuditEventInput[]) => {
      if (events.some((e) => (e.promptTokens ?? 0) > 2_147_483_647)) throw outOfRange();
      written.push(...events.map((e) => e.action));
    };
    return { written, store };
  }
  const poisoned = (): AuditEventInput => ({ ...event('poisoned'), promptTokens: 3_000_000_000 });

  it('writes the records around it, moves it whole to the dead letters with the error, and goes on', async () => {
    const { written, store } = refusingStore();
    const letters: DeadLetter[] = [];
    const writer = new AuditBatchWriter(store, { flushMs: 60_000, deadLetters: async (batch) => void letters.push(...batch) });
    const before = writer.appendDurable(event('before'));
    writer.append(poisoned());
    const after = writer.appendDurable(event('after'));
    await Promise.all([before, after]);
    expect(written.sort()).toEqual(['after', 'before']);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ writer: 'audit', errorCode: '22003', errorDetail: expect.stringContaining('out of range') });
    expect(JSON.parse(letters[0]!.record)).toMatchObject({ action: 'poisoned', promptTokens: 3_000_000_000 });
    expect(writer.deadLettered).toBe(1);
    expect(writer.pending).toBe(0);
    // Later records are not held behind it.
    await writer.appendDurable(event('later'));
    expect(written).toContain('later');
  });

  it('tells whoever waited for a refused record that it is not in the log', async () => {
    const { store } = refusingStore();
    const writer = new AuditBatchWriter(store, { flushMs: 60_000, deadLetters: async () => undefined });
    await expect(writer.appendDurable(poisoned())).rejects.toMatchObject({ code: '22003' });
    expect(writer.deadLettered).toBe(1);
  });

  it('keeps a refused record queued when the dead-letter write fails too, without blocking the others', async () => {
    const { written, store } = refusingStore();
    const writer = new AuditBatchWriter(store, { flushMs: 60_000, deadLetters: async () => Promise.reject(new Error('down')) });
    writer.append(poisoned());
    const other = writer.appendDurable(event('other'));
    await other;
    await ticks(5);
    expect(written).toEqual(['other']);
    expect(writer.pending).toBe(1);
    expect(writer.deadLettered).toBe(0);
  });
});
