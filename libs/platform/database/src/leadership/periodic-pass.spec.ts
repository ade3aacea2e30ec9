import { PeriodicPass } from './periodic-pass';

describe('PeriodicPass', () => {
  it('runs at start, never two passes at once, survives a failing pass, and stop waits for the pass in progress', async () => {
    let running = 0;
    let maxRunning = 0;
    let passes = 0;
    let release!: () => void;
    const periodic = new PeriodicPass(5, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      passes++;
      if (passes === 1) await new Promise<void>((resolve) => (release = resolve));
      running--;
      if (passes === 2) throw new Error('a failing pass');
    });
    periodic.start();
    periodic.start(); // a second start is a no-op
    expect(passes).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 30)); // ticks while the first pass hangs
    expect(passes).toBe(1);
    release();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(passes).toBeGreaterThanOrEqual(3); // the failing second pass did not stop the timer
    expect(maxRunning).toBe(1);
    await periodic.stop();
    const after = passes;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(passes).toBe(after);
    expect(running).toBe(0);
  });
});
