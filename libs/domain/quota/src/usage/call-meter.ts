import { estimateTextTokens, type RequestEstimate } from '@ai-commons/token-count';
import type { TokenUsage } from '@ai-commons/gateway-admission';

/** The most prompt and completion tokens one call can really have used. */
export interface UsageBounds {
  promptTokens: number;
  completionTokens: number;
}

/**
 * Per endpoint and request: a token of text covers at least one byte of the request body (whose
 * size the endpoint limits), images, audio and files cost the endpoint's configured figure; the
 * completion is at most the output allowance × `n` the upstream was asked for. Both stay far below
 * the int4 columns (64 MiB, 10⁶ × n).
 */
export function usageBounds(estimate: RequestEstimate, endpoint: { maxRequestBytes: number; imageInputTokens: number }): UsageBounds {
  return {
    promptTokens: endpoint.maxRequestBytes + estimate.nonTextParts * endpoint.imageInputTokens,
    completionTokens: estimate.outputTokens,
  };
}

export interface StreamEventKind {
  /** `data: [DONE]`: the stream ended properly. */
  done: boolean;
  /** Carries only usage (no choices): relayed only to callers who asked for it. */
  usageOnly: boolean;
}
const DONE: StreamEventKind = Object.freeze({ done: true, usageOnly: false });
const USAGE_ONLY: StreamEventKind = Object.freeze({ done: false, usageOnly: true });
const PLAIN: StreamEventKind = Object.freeze({ done: false, usageOnly: false });

export interface ReportedUsage {
  promptTokens: unknown;
  completionTokens: unknown;
}

/**
 * What one call is charged. The upstream's usage figures are believed only when each is a
 * non-negative safe integer within the call's bounds; otherwise (absent, negative, fractional,
 * absurd) the gateway's own count stands in for it: the admission estimate of the prompt, and the
 * tokens of the completion text actually relayed to the caller (same estimate, counted event by
 * event, so a caller who leaves mid-stream pays for what it got).
 */
export class CallMeter {
  private reported?: ReportedUsage;
  private relayedTokens = 0;

  constructor(
    private readonly estimate: RequestEstimate,
    private readonly bounds: UsageBounds,
    private readonly onImplausible: (reported: ReportedUsage, bounds: UsageBounds) => void = () => undefined,
  ) {}

  /** A `usage` object from the upstream (the last one seen wins). */
  observeUsage(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    const usage = raw as { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown; input_tokens?: unknown; output_tokens?: unknown };
    if (usage.input_tokens !== undefined || usage.output_tokens !== undefined) {
      // The Responses API's names.
      this.reported = { promptTokens: usage.input_tokens, completionTokens: usage.output_tokens };
      return;
    }
    // Rerank answers (vLLM, TEI) report only `total_tokens`: all of it is what the model read.
    const onlyTotal = usage.prompt_tokens === undefined && usage.completion_tokens === undefined;
    this.reported = { promptTokens: onlyTotal ? usage.total_tokens : usage.prompt_tokens, completionTokens: usage.completion_tokens };
  }

  /**
   * One SSE event relayed to the caller (LF or CRLF lines): its usage, and the tokens of the text it
   * carries. One JSON.parse per event, which also tells the relay what the event is.
   */
  observeEvent(event: string): StreamEventKind {
    const data = eventData(event);
    if (data === '[DONE]') return DONE;
    if (!data.startsWith('{')) return PLAIN;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return PLAIN;
    }
    if (typeof chunk !== 'object' || chunk === null) return PLAIN;
    const { usage, choices, type } = chunk as { usage?: unknown; choices?: unknown; type?: unknown };
    if (typeof type === 'string' && type.startsWith('response.')) return this.observeResponsesEvent(chunk as Record<string, unknown>, type);
    if (usage) this.observeUsage(usage);
    if (Array.isArray(choices)) for (const choice of choices) this.relayedTokens += choiceTokens(choice, 'delta');
    // The chunk `stream_options.include_usage` adds: usage and no choices.
    return usage && (!Array.isArray(choices) || choices.length === 0) ? USAGE_ONLY : PLAIN;
  }

  /**
   * A Responses API stream event: text deltas are counted; the final event (`response.completed`,
   * `.incomplete`, `.failed`) carries the usage and ends the stream, which has no `[DONE]`.
   */
  private observeResponsesEvent(event: Record<string, unknown>, type: string): StreamEventKind {
    if (type === 'response.output_text.delta' || type === 'response.function_call_arguments.delta') {
      if (typeof event.delta === 'string') this.relayedTokens += estimateTextTokens(event.delta);
      return PLAIN;
    }
    if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
      this.observeUsage((event.response as { usage?: unknown } | null)?.usage);
      return DONE;
    }
    return PLAIN;
  }

  /** A whole (non-streamed) response body relayed to the caller. */
  observeBody(body: unknown): void {
    if (typeof body !== 'object' || body === null) return;
    const { usage, choices } = body as { usage?: unknown; choices?: unknown };
    this.observeUsage(usage);
    if (Array.isArray(choices)) for (const choice of choices) this.relayedTokens += choiceTokens(choice, 'message');
  }

  charge(): TokenUsage {
    const reported = this.reported;
    const prompt = believable(reported?.promptTokens, this.bounds.promptTokens);
    const completion = believable(reported?.completionTokens, this.bounds.completionTokens);
    // An absent figure (embeddings have no completion) is not a fault; a wrong one is.
    const wrong = (value: unknown, believed: number | undefined) => value !== undefined && believed === undefined;
    if (reported && (wrong(reported.promptTokens, prompt) || wrong(reported.completionTokens, completion))) this.onImplausible(reported, this.bounds);
    return {
      promptTokens: prompt ?? this.estimate.promptTokens,
      // The upstream never returns more than it was allowed; the estimate of the text may.
      completionTokens: completion ?? Math.min(this.relayedTokens, this.bounds.completionTokens),
    };
  }
}

function believable(value: unknown, bound: number): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= bound ? value : undefined;
}

/** The payload of an event's `data:` lines (LF or CRLF line ends), joined by newlines as SSE does. */
function eventData(event: string): string {
  let data: string | undefined;
  for (const rawLine of event.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (!line.startsWith('data:')) continue;
    const value = line.slice(line.startsWith('data: ') ? 6 : 5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data ?? '';
}

/** Tokens of a choice's text: content, refusal, tool call names and arguments (and legacy `text`). */
function choiceTokens(choice: unknown, field: 'delta' | 'message'): number {
  if (typeof choice !== 'object' || choice === null) return 0;
  const { text } = choice as { text?: unknown };
  let tokens = typeof text === 'string' ? estimateTextTokens(text) : 0;
  const part = (choice as Record<string, unknown>)[field];
  if (typeof part !== 'object' || part === null) return tokens;
  const { content, refusal, tool_calls: toolCalls, function_call: functionCall } = part as Record<string, unknown>;
  if (typeof content === 'string') tokens += estimateTextTokens(content);
  if (typeof refusal === 'string') tokens += estimateTextTokens(refusal);
  if (Array.isArray(toolCalls)) for (const call of toolCalls) tokens += functionTokens((call as { function?: unknown } | null)?.function);
  tokens += functionTokens(functionCall);
  return tokens;
}

function functionTokens(fn: unknown): number {
  if (typeof fn !== 'object' || fn === null) return 0;
  const { name, arguments: args } = fn as { name?: unknown; arguments?: unknown };
  return (typeof name === 'string' ? estimateTextTokens(name) : 0) + (typeof args === 'string' ? estimateTextTokens(args) : 0);
}
