import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SettingsStore } from '../settings/settings-store';
import { DEFAULT_SIMULATOR_SETTINGS, applySettingsPatch, type SimulatorSettings, type SimulatorSettingsPatch } from '../settings/simulator-settings';
import type { InferenceExchange } from './inference-exchange';
import { createRequestHandler } from './request-handler';
import { RequestIds } from './request-ids';
import { StatsCounter, type SimulatorStats } from './simulator-stats';
import { PrefixCache } from '../prefix-cache/prefix-cache';

export interface ModelSimulatorOptions extends SimulatorSettingsPatch {
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Port to bind; default 0 (an ephemeral port, see `port` on the result). */
  readonly port?: number;
  /** Largest accepted request body; default 10 MiB. */
  readonly maxBodyBytes?: number;
  /** Keep the last inference request and serve it at `GET /_sim/last-request` (for tests); default false. */
  readonly recordLastRequest?: boolean;
  /** Receives structured events (settings changes, internal errors); default: discarded. */
  readonly log?: (event: Record<string, unknown>) => void;
}

export interface CloseOptions {
  /** How long in-flight responses may take to finish before connections are cut; default 5000. */
  readonly graceMs?: number;
}

export interface ModelSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (OpenAI clients use `${url}/v1`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  stats(): SimulatorStats;
  resetStats(): void;
  settings(): SimulatorSettings;
  /** Validates and applies a partial settings change; throws InvalidSettingsError if invalid. */
  configure(patch: SimulatorSettingsPatch): SimulatorSettings;
  /** Back to the settings the simulator was started with. */
  resetSettings(): SimulatorSettings;
  /** Stops listening, cuts stalled requests, lets the rest finish within the grace period. */
  close(options?: CloseOptions): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_GRACE_MS = 5_000;

export async function startModelSimulator(options: ModelSimulatorOptions = {}): Promise<ModelSimulator> {
  const { host = '127.0.0.1', port = 0, maxBodyBytes = DEFAULT_MAX_BODY_BYTES, recordLastRequest = false, log = () => undefined, ...patch } = options;
  const settings = new SettingsStore(applySettingsPatch(DEFAULT_SIMULATOR_SETTINGS, patch));
  const stats = new StatsCounter();
  const active = new Set<InferenceExchange>();

  const server = createServer(
    // Benchmarks hold keep-alive connections open between bursts.
    { keepAliveTimeout: 65_000, noDelay: true },
    createRequestHandler({
      settings,
      stats,
      prefixCache: new PrefixCache(),
      ids: new RequestIds(),
      active,
      maxBodyBytes,
      startedAt: Date.now(),
      log,
      lastRequest: recordLastRequest ? { current: null } : undefined,
    }),
  );
  await listen(server, host, port);
  const boundPort = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${boundPort}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    host,
    port: boundPort,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    settings: () => settings.current,
    configure: (change) => settings.configure(change),
    resetSettings: () => settings.reset(),
    close: (closeOptions = {}) => {
      closing ??= shutDown(server, active, stats, closeOptions.graceMs ?? DEFAULT_GRACE_MS);
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function shutDown(server: Server, active: Set<InferenceExchange>, stats: StatsCounter, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A stalled request never finishes by itself.
  for (const exchange of active) if (exchange.stalled) exchange.response.destroy();
  const deadline = Date.now() + graceMs;
  while (stats.inFlightCount > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (const exchange of active) if (exchange.stalled) exchange.response.destroy();
  }
  server.closeAllConnections();
  await closed;
  // Responses cut above report 'close' on a later tick; let them reach the counters.
  for (let tick = 0; tick < 100 && stats.inFlightCount > 0; tick++) await new Promise((resolve) => setImmediate(resolve));
}

/** A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
