import { parseArgs } from 'node:util';
import {
  DEFAULT_SIMULATOR_SETTINGS,
  InvalidSettingsError,
  parseSettingsPatch,
  type SimulatorSettings,
  type SimulatorSettingsPatch,
} from '../settings/simulator-settings';
import type { ModelSimulatorOptions } from '../server/start-model-simulator';

type OptionKey = Exclude<keyof ModelSimulatorOptions, 'log'> | 'shutdownGraceMs';

interface OptionSpec {
  readonly key: OptionKey;
  readonly flag: string;
  readonly env: string;
  readonly kind: 'integer' | 'number' | 'string' | 'list' | 'optional-string' | 'boolean';
  readonly help: string;
}

/** Every CLI flag and its environment variable; flags win over the environment. */
export const CLI_OPTIONS: readonly OptionSpec[] = [
  { key: 'host', flag: 'host', env: 'MODEL_SIM_HOST', kind: 'string', help: 'interface to bind (default 127.0.0.1)' },
  { key: 'port', flag: 'port', env: 'MODEL_SIM_PORT', kind: 'integer', help: 'port to bind, 0 for any free port (default 18090)' },
  { key: 'models', flag: 'models', env: 'MODEL_SIM_MODELS', kind: 'list', help: 'comma-separated model ids / Azure deployments' },
  { key: 'ttftMs', flag: 'ttft-ms', env: 'MODEL_SIM_TTFT_MS', kind: 'integer', help: 'time to first token in ms' },
  {
    key: 'prefixCacheEntries',
    flag: 'prefix-cache-entries',
    env: 'MODEL_SIM_PREFIX_CACHE_ENTRIES',
    kind: 'integer',
    help: 'distinct chat prefixes (messages before the last) kept; 0 = no prefix cache',
  },
  { key: 'cachedTtftMs', flag: 'cached-ttft-ms', env: 'MODEL_SIM_CACHED_TTFT_MS', kind: 'integer', help: 'time to first token when the prefix is cached' },
  { key: 'interTokenMs', flag: 'inter-token-ms', env: 'MODEL_SIM_INTER_TOKEN_MS', kind: 'integer', help: 'delay between tokens in ms' },
  { key: 'outputTokens', flag: 'output-tokens', env: 'MODEL_SIM_OUTPUT_TOKENS', kind: 'integer', help: 'completion length in tokens' },
  { key: 'embeddingDimension', flag: 'embedding-dimension', env: 'MODEL_SIM_EMBEDDING_DIMENSION', kind: 'integer', help: 'embedding vector length' },
  { key: 'errorRate', flag: 'error-rate', env: 'MODEL_SIM_ERROR_RATE', kind: 'number', help: 'probability 0..1 of an injected error' },
  { key: 'errorStatus', flag: 'error-status', env: 'MODEL_SIM_ERROR_STATUS', kind: 'integer', help: 'HTTP status of injected errors' },
  { key: 'stallRate', flag: 'stall-rate', env: 'MODEL_SIM_STALL_RATE', kind: 'number', help: 'probability 0..1 of an injected stall' },
  {
    key: 'stallAfterChunks',
    flag: 'stall-after-chunks',
    env: 'MODEL_SIM_STALL_AFTER_CHUNKS',
    kind: 'integer',
    help: 'events sent before a stall, 0 = before headers',
  },
  { key: 'apiKey', flag: 'api-key', env: 'MODEL_SIM_API_KEY', kind: 'optional-string', help: 'expected API key; empty = no authentication' },
  {
    key: 'recordLastRequest',
    flag: 'record-last-request',
    env: 'MODEL_SIM_RECORD_LAST_REQUEST',
    kind: 'boolean',
    help: 'true: serve the last inference request at GET /_sim/last-request, for tests (default false)',
  },
  { key: 'maxBodyBytes', flag: 'max-body-bytes', env: 'MODEL_SIM_MAX_BODY_BYTES', kind: 'integer', help: 'largest accepted request body (default 10485760)' },
  {
    key: 'shutdownGraceMs',
    flag: 'shutdown-grace-ms',
    env: 'MODEL_SIM_SHUTDOWN_GRACE_MS',
    kind: 'integer',
    help: 'time in-flight requests get on SIGTERM (default 5000)',
  },
];

export const CLI_DEFAULT_PORT = 18090;

export interface CliConfiguration {
  readonly help: boolean;
  readonly options: Omit<ModelSimulatorOptions, 'log'>;
  readonly shutdownGraceMs: number;
}

export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliConfiguration {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(CLI_OPTIONS.map((spec) => [spec.flag, { type: 'string' as const }])),
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }

  const values: Partial<Record<OptionKey, unknown>> = {};
  for (const spec of CLI_OPTIONS) {
    const flagValue = flags[spec.flag];
    const raw = typeof flagValue === 'string' ? flagValue : env[spec.env];
    if (raw === undefined) continue;
    const source = typeof flagValue === 'string' ? `--${spec.flag}` : spec.env;
    values[spec.key] = convert(spec, raw.trim(), source);
  }
  const { host, port, maxBodyBytes, shutdownGraceMs, recordLastRequest, ...settingValues } = values;
  return {
    help: flags.help === true,
    options: {
      // Fails at startup, not at the first request.
      ...validSettings(settingValues),
      host: (host as string | undefined) ?? '127.0.0.1',
      port: checkRange((port as number | undefined) ?? CLI_DEFAULT_PORT, 0, 65_535, 'port'),
      ...(recordLastRequest === true ? { recordLastRequest: true } : {}),
      ...(maxBodyBytes === undefined ? {} : { maxBodyBytes: checkRange(maxBodyBytes as number, 1, 2 ** 31, 'max-body-bytes') }),
    },
    shutdownGraceMs: checkRange((shutdownGraceMs as number | undefined) ?? 5_000, 0, 600_000, 'shutdown-grace-ms'),
  };
}

export function cliUsage(): string {
  const lines = CLI_OPTIONS.map((spec) => `  --${spec.flag.padEnd(20)} ${spec.env.padEnd(30)} ${spec.help}${settingDefault(spec.key)}`);
  return [
    'Usage: node dist/apps/model-simulator/src/main.js [options]',
    '',
    'OpenAI-compatible model simulator. Every option can also be set through the environment.',
    '',
    `  ${'flag'.padEnd(22)} ${'environment'.padEnd(30)} meaning`,
    ...lines,
    `  --${'help'.padEnd(20)} ${''.padEnd(30)} show this text`,
  ].join('\n');
}

function settingDefault(key: OptionKey): string {
  if (!(key in DEFAULT_SIMULATOR_SETTINGS)) return '';
  const value = DEFAULT_SIMULATOR_SETTINGS[key as keyof SimulatorSettings];
  return ` (default ${Array.isArray(value) ? value.join(',') : value === null ? 'none' : String(value)})`;
}

function convert(spec: OptionSpec, raw: string, source: string): unknown {
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'optional-string':
      return raw.length === 0 ? null : raw;
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0' || raw === '') return false;
      throw new CliUsageError(`${source} must be true or false, got ${JSON.stringify(raw)}`);
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
    case 'integer':
    case 'number': {
      const value = raw.length === 0 ? Number.NaN : Number(raw);
      if (!Number.isFinite(value) || (spec.kind === 'integer' && !Number.isInteger(value))) {
        throw new CliUsageError(`${source} must be ${spec.kind === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`);
      }
      return value;
    }
  }
}

function validSettings(values: unknown): SimulatorSettingsPatch {
  try {
    return parseSettingsPatch(values);
  } catch (error) {
    if (error instanceof InvalidSettingsError) throw new CliUsageError(error.message);
    throw error;
  }
}

function checkRange(value: number, minimum: number, maximum: number, name: string): number {
  if (value < minimum || value > maximum) throw new CliUsageError(`${name} must be between ${minimum} and ${maximum}, got ${value}`);
  return value;
}
