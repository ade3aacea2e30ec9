import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** A registry per service instance (tests start several in one process), with Node runtime metrics. */
export function createServiceRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'ai_commons_' });
  return registry;
}

/** What a scrape-time reader returns: one value, or values by label. */
export type ScrapedValue = number | Array<{ labels: Record<string, string>; value: number }>;

/**
 * A gauge read when scraped (queue depths, ages, counts kept elsewhere): nothing on the request path.
 * `read` returns one value, or values by label; it may be asynchronous (a cached query, see cachedReader).
 */
export function gaugeFrom(registry: Registry, name: string, help: string, read: () => ScrapedValue | Promise<ScrapedValue>, labelNames: string[] = []): Gauge {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      const apply = (value: ScrapedValue) => {
        if (typeof value === 'number') return void this.set(value);
        this.reset();
        for (const entry of value) this.set(entry.labels, entry.value);
      };
      const value = read();
      return value instanceof Promise ? value.then(apply) : apply(value);
    },
  });
}

/**
 * A counter kept elsewhere as a plain number (a class counting its failures has no business
 * importing prom-client), exported as a Prometheus counter when scraped. `read` must never decrease.
 */
export function counterFrom(registry: Registry, name: string, help: string, read: () => ScrapedValue, labelNames: string[] = []): Counter {
  return new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      const value = read();
      this.reset();
      if (typeof value === 'number') return void this.inc(value);
      for (const entry of value) this.inc(entry.labels, entry.value);
    },
  });
}

/**
 * An expensive figure (a database query) for scrape-time gauges: loaded at most once per `ttlMs`,
 * shared by every gauge and concurrent scrape that asks meanwhile; a failed load is not cached and
 * answers `fallback` (the scrape still succeeds, the figure is absent). One entry: bounded.
 */
export function cachedReader<T>(ttlMs: number, load: () => Promise<T>, fallback: T, now: () => number = Date.now): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!cached || now() - cached.at >= ttlMs) {
      const at = now();
      const value = load().catch(() => {
        if (cached?.at === at) cached = undefined;
        return fallback;
      });
      cached = { at, value };
    }
    return cached.value;
  };
}
