import type { IncomingHttpHeaders } from 'node:http';
import { invalidRequest } from './openai-error';

/** Header names of the per-request overrides, for callers that inject faults. */
export const SIMULATOR_HEADERS = Object.freeze({
  ttftMs: 'x-sim-ttft-ms',
  interTokenMs: 'x-sim-inter-token-ms',
  outputTokens: 'x-sim-output-tokens',
  fail: 'x-sim-fail',
  stall: 'x-sim-stall',
} as const);

/**
 * Per-request deviations from the settings. For `fail` and `stall`, undefined means "roll the
 * configured rate" and null means "never, whatever the rate".
 */
export interface RequestOverrides {
  readonly ttftMs?: number;
  readonly interTokenMs?: number;
  readonly outputTokens?: number;
  readonly fail?: number | null;
  /** Number of data events sent before stalling; 0 stalls before the status line. */
  readonly stall?: number | null;
}

const NO_OVERRIDES: RequestOverrides = Object.freeze({});

export function parseRequestOverrides(headers: IncomingHttpHeaders): RequestOverrides {
  const ttft = headers[SIMULATOR_HEADERS.ttftMs];
  const interToken = headers[SIMULATOR_HEADERS.interTokenMs];
  const outputTokens = headers[SIMULATOR_HEADERS.outputTokens];
  const fail = headers[SIMULATOR_HEADERS.fail];
  const stall = headers[SIMULATOR_HEADERS.stall];
  // Fast path: benchmarks send none of these headers.
  if (ttft === undefined && interToken === undefined && outputTokens === undefined && fail === undefined && stall === undefined) {
    return NO_OVERRIDES;
  }
  return {
    ttftMs: ttft === undefined ? undefined : headerInteger(SIMULATOR_HEADERS.ttftMs, ttft, 0, 600_000),
    interTokenMs: interToken === undefined ? undefined : headerInteger(SIMULATOR_HEADERS.interTokenMs, interToken, 0, 60_000),
    outputTokens: outputTokens === undefined ? undefined : headerInteger(SIMULATOR_HEADERS.outputTokens, outputTokens, 1, 100_000),
    fail: fail === undefined ? undefined : parseFail(fail),
    stall: stall === undefined ? undefined : parseStall(stall),
  };
}

function parseFail(value: string | string[]): number | null {
  if (value === 'none') return null;
  return headerInteger(SIMULATOR_HEADERS.fail, value, 400, 599);
}

function parseStall(value: string | string[]): number | null {
  switch (value) {
    case 'none':
      return null;
    case 'before-headers':
      return 0;
    case 'after-first-chunk':
      return 1;
    default:
      return headerInteger(SIMULATOR_HEADERS.stall, value, 0, 1_000_000, "'before-headers', 'after-first-chunk', 'none' or ");
  }
}

function headerInteger(name: string, value: string | string[], minimum: number, maximum: number, alternatives = ''): number {
  const parsed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= minimum && parsed <= maximum)) {
    throw invalidRequest(
      `Invalid header ${name}: ${JSON.stringify(value)}. Expected ${alternatives}an integer from ${minimum} to ${maximum}.`,
      name,
      'invalid_value',
    );
  }
  return parsed;
}
