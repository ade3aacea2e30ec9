import type { JsonLogger } from '@ai-commons/observability';
import type { ChangeListener, ConnectChangeListener } from './change-listener';

export interface ReloadTiming {
  /** Quiet time after a notification before reloading: a burst of changes becomes one reload. */
  debounceMs: number;
  /** Wait before listening again after an established listener broke. */
  reconnectMs: number;
  /** Wait before trying again when a listener could not be opened. */
  listenRetryMs: number;
}

export const DEFAULT_RELOAD_TIMING: ReloadTiming = { debounceMs: 20, reconnectMs: 1_000, listenRetryMs: 2_000 };

export interface NotifiedReloaderOptions<T> {
  /** Prefix of the log events: `<name>.reloaded`, `.reload_failed`, `.listen_lost`, `.listen_failed`. */
  name: string;
  /** Opens the LISTEN whose notifications trigger reloads (postgresChangeListener in the gateway). */
  listen: ConnectChangeListener;
  /** Whether a notification concerns this snapshot; every one does when absent. */
  concerns?(payload: string | undefined): boolean;
  /** Fields of the `<name>.reloaded` debug event. */
  describe?(snapshot: T): Record<string, unknown>;
  /** Periodic reload, the safety net for a notification missed while no listener stood. */
  refreshMs: number;
  logger: Pick<JsonLogger, 'event'>;
  timing?: Partial<ReloadTiming>;
}

/**
 * A snapshot of database state held in memory and kept current: loaded at start, reloaded
 * (debounced) when the database notifies a change, and periodically as a safety net. A broken
 * listener is reopened, followed by a reload, so nothing that changed meanwhile is missed. A failed
 * reload is logged and the last good snapshot stays in service. Subclasses say how to load it.
 */
export abstract class NotifiedReloader<T> {
  private inService?: T;
  private reloads = 0;
  private failures = 0;
  /** When the snapshot in service was loaded (epoch ms); undefined until one has. */
  private loadedAtMs?: number;
  /** When the reloads started failing (the first failure since the last success); undefined while they succeed. */
  private failingSinceMs?: number;
  private listener?: ChangeListener;
  private refreshTimer?: NodeJS.Timeout;
  private debounceTimer?: NodeJS.Timeout;
  private listenTimer?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private reloadAgain = false;
  private stopped = false;
  private readonly timing: ReloadTiming;

  constructor(private readonly reloadOptions: NotifiedReloaderOptions<T>) {
    this.timing = { ...DEFAULT_RELOAD_TIMING, ...reloadOptions.timing };
  }

  /** Reads a fresh snapshot; `previous` is the one in service (undefined before the first load). */
  protected abstract load(previous: T | undefined): Promise<T>;

  /** The last snapshot that loaded; undefined until one has. */
  current(): T | undefined {
    return this.inService;
  }

  /**
   * How long reloads have kept failing (ms since the first failure after the last success); 0 while
   * they succeed. The snapshot in service is at least that stale.
   */
  failingForMs(nowMs = Date.now()): number {
    return this.failingSinceMs === undefined ? 0 : Math.max(0, nowMs - this.failingSinceMs);
  }

  /** How long ago the snapshot in service was loaded (ms); undefined until one has. */
  loadedAgoMs(nowMs = Date.now()): number | undefined {
    return this.loadedAtMs === undefined ? undefined : Math.max(0, nowMs - this.loadedAtMs);
  }

  /** How many reloads have succeeded. */
  get generation(): number {
    return this.reloads;
  }

  /** How many reloads have failed since start (the metrics' reload failure counter). */
  get failedReloads(): number {
    return this.failures;
  }

  /** Loads the first snapshot (rejects if that fails), then listens and refreshes periodically. */
  async start(): Promise<void> {
    await this.reload();
    await this.listen();
    if (this.stopped) return; // stopped while starting: no timer to outlive it
    this.refreshTimer = setInterval(() => this.reloadInBackground(), this.reloadOptions.refreshMs);
    this.refreshTimer.unref();
  }

  /** Stops listening and reloading; waits for a reload in progress (its failure is not rethrown). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.refreshTimer);
    clearTimeout(this.debounceTimer);
    clearTimeout(this.listenTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close();
    await this.reloading?.catch(() => undefined);
  }

  /** Reloads now. Calls while a reload runs share it and coalesce into one more reload after it. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    const { name, logger } = this.reloadOptions;
    this.reloading = Promise.resolve()
      .then(() => this.load(this.inService))
      .then((snapshot) => {
        this.inService = snapshot;
        this.reloads++;
        this.loadedAtMs = Date.now();
        this.failingSinceMs = undefined;
        logger.event('debug', `${name}.reloaded`, this.reloadOptions.describe?.(snapshot) ?? {});
      })
      .catch((error: unknown) => {
        this.failingSinceMs ??= Date.now();
        this.failures++;
        logger.event('error', `${name}.reload_failed`, { error: (error as Error).message, failingForMs: this.failingForMs() });
        throw error;
      })
      .finally(() => {
        this.reloading = undefined;
        if (this.reloadAgain) {
          this.reloadAgain = false;
          this.reloadInBackground();
        }
      });
    return this.reloading;
  }

  private reloadInBackground(): void {
    // reload() has logged a failure, and the last good snapshot stays in service.
    if (!this.stopped) void this.reload().catch(() => undefined);
  }

  private notified(payload: string | undefined): void {
    if (this.reloadOptions.concerns && !this.reloadOptions.concerns(payload)) return;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => this.reloadInBackground(), this.timing.debounceMs);
  }

  /** Opens the listener; on failure, tries again later. Resolves whether one now stands. */
  private async listen(): Promise<boolean> {
    if (this.stopped) return false;
    try {
      const listener = await this.reloadOptions.listen({ notified: (payload) => this.notified(payload), lost: (error) => this.lost(error) });
      if (this.stopped) {
        await listener.close();
        return false;
      }
      this.listener = listener;
      return true;
    } catch (error) {
      this.reloadOptions.logger.event('warn', `${this.reloadOptions.name}.listen_failed`, { error: (error as Error).message });
      this.listenLater(this.timing.listenRetryMs);
      return false;
    }
  }

  private lost(error: Error): void {
    this.reloadOptions.logger.event('warn', `${this.reloadOptions.name}.listen_lost`, { error: error.message });
    this.listener = undefined;
    this.listenLater(this.timing.reconnectMs);
  }

  /** Listens again after `delayMs`, then reloads: changes made while nobody listened are not missed. */
  private listenLater(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.listenTimer);
    this.listenTimer = setTimeout(() => void this.listen().then((listening) => listening && this.reloadInBackground()), delayMs);
    this.listenTimer.unref();
  }
}
