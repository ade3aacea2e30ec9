/**
 * The timer a leader job runs its pass on: once at start, then every `intervalMs`, never two
 * passes at once (a slow pass makes the next tick a no-op); `stop` waits for the pass in progress.
 * The pass reports its own outcome and failures: a rejection here is a bug, and is swallowed so
 * the timer keeps going.
 */
export class PeriodicPass {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly intervalMs: number,
    private readonly pass: () => Promise<void>,
  ) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running ??= this.pass()
        .catch(() => undefined)
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
