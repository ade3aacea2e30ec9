import type { ChangeListenerEvents } from './change-listener';
import { changedTable } from './changed-table';
import { NotifiedReloader, type NotifiedReloaderOptions } from './notified-reloader';

/** A LISTEN that tests open, notify, break and refuse by hand. */
class FakeListener {
  events?: ChangeListenerEvents;
  opened = 0;
  closed = 0;
  failNext = 0;

  readonly connect = async (events: ChangeListenerEvents) => {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('connection refused');
    }
    this.opened++;
    this.events = events;
    return { close: async () => void this.closed++ };
  };
}

/** A reloader whose load the test supplies. */
class TestReloader extends NotifiedReloader<number> {
  constructor(
    private readonly loader: (previous: number | undefined) => Promise<number>,
    options: NotifiedReloaderOptions<number>,
  ) {
    super(options);
  }

  protected load(previous: number | undefined): Promise<number> {
    return this.loader(previous);
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('NotifiedReloader', () => {
  let listener: FakeListener;
  let loads: number;
  let failLoads: boolean;
  let events: { level: string; event: string; fields: Record<string, unknown> }[];
  let reloader: NotifiedReloader<number>;

  const countingLoad = async () => {
    if (failLoads) throw new Error('database down');
    return ++loads;
  };
  function create(
    overrides: Partial<NotifiedReloaderOptions<number>> & { load?: (previous: number | undefined) => Promise<number> } = {},
  ): NotifiedReloader<number> {
    return new TestReloader(overrides.load ?? countingLoad, {
      name: 'things',
      listen: listener.connect,
      refreshMs: 60_000,
      logger: { event: (level, event, fields = {}) => void events.push({ level, event, fields }) },
      describe: (snapshot) => ({ snapshot }),
      ...overrides,
    });
  }

  beforeEach(() => {
    jest.useFakeTimers();
    listener = new FakeListener();
    loads = 0;
    failLoads = false;
    events = [];
    reloader = create();
  });
  afterEach(async () => {
    await reloader.stop();
    jest.useRealTimers();
  });

  it('loads the first snapshot at start, then listens', async () => {
    expect(reloader.current()).toBeUndefined();
    await reloader.start();
    expect(reloader.current()).toBe(1);
    expect(reloader.generation).toBe(1);
    expect(listener.opened).toBe(1);
    expect(events).toContainEqual({ level: 'debug', event: 'things.reloaded', fields: { snapshot: 1 } });
  });

  it('fails to start when the first load fails', async () => {
    failLoads = true;
    await expect(reloader.start()).rejects.toThrow('database down');
    expect(listener.opened).toBe(0);
  });

  it('hands the snapshot in service to the next load', async () => {
    const seen: (number | undefined)[] = [];
    reloader = create({ load: async (previous) => (seen.push(previous), (previous ?? 0) + 10) });
    await reloader.start();
    await reloader.reload();
    expect(seen).toEqual([undefined, 10]);
  });

  it('debounces a burst of notifications into one reload', async () => {
    await reloader.start();
    for (let i = 0; i < 5; i++) {
      listener.events!.notified('{"table":"endpoints"}');
      await jest.advanceTimersByTimeAsync(10);
    }
    expect(loads).toBe(1);
    await jest.advanceTimersByTimeAsync(20);
    expect(loads).toBe(2);
  });

  it('ignores notifications that do not concern it', async () => {
    reloader = create({ concerns: (payload) => changedTable(payload) === 'quota_pools' });
    await reloader.start();
    listener.events!.notified('{"table":"api_keys"}');
    listener.events!.notified('not json');
    await jest.advanceTimersByTimeAsync(100);
    expect(loads).toBe(1);
    listener.events!.notified('{"table":"quota_pools","op":"UPDATE"}');
    await jest.advanceTimersByTimeAsync(20);
    expect(loads).toBe(2);
  });

  it('coalesces calls during a reload into one more reload, and callers share the running one', async () => {
    const gates = [deferred<number>(), deferred<number>()];
    let calls = 0;
    reloader = create({ load: () => gates[calls++].promise });
    const first = reloader.reload();
    const second = reloader.reload();
    const third = reloader.reload();
    expect(second).toBe(first);
    expect(third).toBe(first);
    gates[0].resolve(1);
    await first;
    expect(reloader.current()).toBe(1);
    expect(calls).toBe(2);
    gates[1].resolve(2);
    await jest.advanceTimersByTimeAsync(0);
    expect(reloader.current()).toBe(2);
    expect(calls).toBe(2);
  });

  it('keeps the last good snapshot when a reload fails, and logs it', async () => {
    await reloader.start();
    failLoads = true;
    await expect(reloader.reload()).rejects.toThrow('database down');
    expect(reloader.current()).toBe(1);
    expect(reloader.generation).toBe(1);
    expect(events).toContainEqual({ level: 'error', event: 'things.reload_failed', fields: { error: 'database down', failingForMs: 0 } });
    listener.events!.notified(undefined);
    await jest.advanceTimersByTimeAsync(20);
    expect(reloader.current()).toBe(1);
    failLoads = false;
    await reloader.reload();
    expect(reloader.current()).toBe(2);
  });

  it('says how long reloads have kept failing, from the first failure until the next success', async () => {
    await reloader.start();
    expect(reloader.failingForMs()).toBe(0);
    failLoads = true;
    await jest.advanceTimersByTimeAsync(60_000); // the periodic reload fails
    expect(reloader.failingForMs()).toBe(0);
    await jest.advanceTimersByTimeAsync(60_000); // and again: failing since the first failure
    expect(reloader.failingForMs()).toBe(60_000);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(reloader.failingForMs()).toBe(90_000);
    expect(reloader.current()).toBe(1);
    expect(reloader.failedReloads).toBe(2); // the metrics' failure counter
    failLoads = false;
    await reloader.reload();
    expect(reloader.failingForMs()).toBe(0);
    expect(reloader.failedReloads).toBe(2);
  });

  it('reloads periodically as a safety net', async () => {
    await reloader.start();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(loads).toBe(2);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(loads).toBe(3);
  });

  it('reopens a lost listener after the reconnect delay, then reloads', async () => {
    await reloader.start();
    listener.events!.lost(new Error('terminating connection'));
    expect(events).toContainEqual({ level: 'warn', event: 'things.listen_lost', fields: { error: 'terminating connection' } });
    await jest.advanceTimersByTimeAsync(999);
    expect(listener.opened).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(listener.opened).toBe(2);
    expect(loads).toBe(2);
  });

  it('keeps trying to listen when it cannot, without failing the start', async () => {
    listener.failNext = 2;
    await reloader.start();
    expect(reloader.current()).toBe(1);
    expect(events.filter((e) => e.event === 'things.listen_failed')).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(events.filter((e) => e.event === 'things.listen_failed')).toHaveLength(2);
    expect(loads).toBe(1);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(listener.opened).toBe(1);
    expect(loads).toBe(2);
  });

  it('stops: closes the listener, and no notification, timer or reconnect reloads any more', async () => {
    await reloader.start();
    const events = listener.events!;
    events.notified('{}');
    await reloader.stop();
    expect(listener.closed).toBe(1);
    events.lost(new Error('closed'));
    await jest.advanceTimersByTimeAsync(120_000);
    expect(loads).toBe(1);
    expect(listener.opened).toBe(1);
  });

  it('closes a listener that opens only after stop', async () => {
    const opening = deferred<void>();
    reloader = create({ listen: async (events) => (await opening.promise, listener.connect(events)) });
    const started = reloader.start();
    await jest.advanceTimersByTimeAsync(0);
    const stopped = reloader.stop();
    opening.resolve();
    await started;
    await stopped;
    expect(listener.opened).toBe(1);
    expect(listener.closed).toBe(1);
  });

  it('waits for a running reload when stopping, without rethrowing its failure', async () => {
    const gate = deferred<number>();
    reloader = create({ load: () => gate.promise });
    const running = reloader.reload().catch(() => undefined);
    const stopped = reloader.stop();
    gate.reject(new Error('database down'));
    await expect(stopped).resolves.toBeUndefined();
    await running;
  });
});

describe('changedTable', () => {
  it('reads the table a change notification names', () => {
    expect(changedTable('{"table":"endpoints","op":"INSERT"}')).toBe('endpoints');
    expect(changedTable('{"op":"INSERT"}')).toBeUndefined();
    expect(changedTable('{"table":7}')).toBeUndefined();
    expect(changedTable('null')).toBeUndefined();
    expect(changedTable('not json')).toBeUndefined();
    expect(changedTable(undefined)).toBeUndefined();
  });
});
