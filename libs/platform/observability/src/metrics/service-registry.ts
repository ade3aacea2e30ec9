import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** A registry per service instance (tests start several in one process), with Node runtime metrics. */
export function createServiceRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'ai_commons_' });
  return registry;
}

/**
 * A gauge read when scraped (queue depths, ages, counts kept elsewhere): nothing on the request path.
 * `read` returns one value, or values by label.
 */
export function gaugeFrom(
  registry: Registry,
  name: string,
  help: string,
  read: () => number | Array<{ labels: Record<string, string>; value: number }>,
  labelNames: string[] = [],
): Gauge {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      const value = read();
      if (typeof value === 'number') return void this.set(value);
      this.reset();
      for (const entry of value) this.set(entry.labels, entry.value);
    },
  });
}
