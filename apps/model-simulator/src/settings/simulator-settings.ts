import { z } from 'zod';

/** How many data events a stalled response emits before going silent; 0 stalls before the status line. */
const stallPoint = z.number().int().min(0).max(1_000_000);

/** Behaviour that can be changed while the simulator runs (CLI, env, `POST /_sim/config`, `configure()`). */
export const simulatorSettingsSchema = z.strictObject({
  /** Model ids served by the OpenAI paths and deployment names accepted by the Azure paths. */
  models: z.array(z.string().min(1)).min(1),
  /** Delay before the first token (streaming) or before processing starts (non-streaming, embeddings). */
  ttftMs: z.number().int().min(0).max(600_000),
  /**
   * Prefix cache: how many distinct chat prefixes (the messages before the last) a replica keeps,
   * least recently used evicted first; 0 turns it off.
   */
  prefixCacheEntries: z.number().int().min(0).max(100_000),
  /** Time to first token when the prefix is cached (null: the same as ttftMs). */
  cachedTtftMs: z.number().int().min(0).max(600_000).nullable(),
  /** Delay between consecutive completion tokens. */
  interTokenMs: z.number().int().min(0).max(60_000),
  /** Completion length when the request does not ask for fewer tokens. */
  outputTokens: z.number().int().min(1).max(100_000),
  /** Native embedding vector length; requests may ask for fewer with `dimensions`. */
  embeddingDimension: z.number().int().min(1).max(8_192),
  /** Probability (0..1) that an inference request is answered with `errorStatus`. */
  errorRate: z.number().min(0).max(1),
  /** HTTP status used for randomly injected errors. */
  errorStatus: z.number().int().min(400).max(599),
  /** Probability (0..1) that an inference request stalls at `stallAfterChunks`. */
  stallRate: z.number().min(0).max(1),
  stallAfterChunks: stallPoint,
  /** Expected key in `Authorization: Bearer` or `api-key`; null disables authentication. */
  apiKey: z.string().min(1).nullable(),
  /**
   * Usage figures reported instead of the counted ones (any JSON number: huge, negative,
   * fractional), to play an upstream with broken accounting; null reports the real count.
   */
  reportedUsage: z.strictObject({ promptTokens: z.number(), completionTokens: z.number() }).nullable(),
});

export type SimulatorSettings = Readonly<z.infer<typeof simulatorSettingsSchema>>;

export const simulatorSettingsPatchSchema = simulatorSettingsSchema.partial();

export type SimulatorSettingsPatch = z.infer<typeof simulatorSettingsPatchSchema>;

export const DEFAULT_SIMULATOR_SETTINGS: SimulatorSettings = Object.freeze({
  models: Object.freeze(['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small']) as string[],
  ttftMs: 0,
  prefixCacheEntries: 0,
  cachedTtftMs: null,
  interTokenMs: 0,
  outputTokens: 16,
  embeddingDimension: 1536,
  errorRate: 0,
  errorStatus: 500,
  stallRate: 0,
  stallAfterChunks: 0,
  apiKey: null,
  reportedUsage: null,
});

export class InvalidSettingsError extends Error {
  constructor(readonly details: string) {
    super(`invalid simulator settings: ${details}`);
    this.name = 'InvalidSettingsError';
  }
}

/** Validates a partial settings change, throwing InvalidSettingsError with every problem found. */
export function parseSettingsPatch(patch: unknown): SimulatorSettingsPatch {
  const parsed = simulatorSettingsPatchSchema.safeParse(patch);
  if (!parsed.success) throw new InvalidSettingsError(z.prettifyError(parsed.error).replace(/\n/g, '; '));
  return withoutUndefined(parsed.data);
}

/** Validates `patch` and returns a new frozen settings object; `current` is never modified. */
export function applySettingsPatch(current: SimulatorSettings, patch: unknown): SimulatorSettings {
  const next: SimulatorSettings = { ...current, ...parseSettingsPatch(patch) };
  return Object.freeze({ ...next, models: Object.freeze([...next.models]) as string[] });
}

/** Settings as shown on the unauthenticated `GET /_sim/config`: the API key itself is not echoed. */
export function redactSettings(settings: SimulatorSettings): Record<string, unknown> {
  return { ...settings, apiKey: settings.apiKey === null ? null : '<redacted>' };
}

function withoutUndefined(patch: SimulatorSettingsPatch): SimulatorSettingsPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}
