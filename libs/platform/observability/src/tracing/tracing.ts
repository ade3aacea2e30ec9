import type { IncomingHttpHeaders } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator, parseTraceParent } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SamplingResult,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { instrumentPostgres } from './postgres-spans';

/** OTLP/HTTP body encodings (OTEL_EXPORTER_OTLP_PROTOCOL, validated with the rest of the config). */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingOptions {
  /** `service.name` of every span (ai-commons-gateway, ai-commons-control-plane). */
  service: string;
  /**
   * Where spans go: an OTLP/HTTP traces URL (batched; protobuf bodies unless `protocol` says
   * http/json), or an exporter (tests: the SDK's in-memory one, sent span by span).
   */
  export: { otlpTracesUrl: string; protocol?: OtlpProtocol } | { exporter: SpanExporter };
  /**
   * Share of traces started here that are recorded (default 1: tests and benchmarks; the services
   * take OTEL_TRACES_SAMPLER_ARG); a caller's sampled flag decides for its own trace.
   */
  sampleRatio?: number;
  /** Spans for SQL (the official pg instrumentation), as children of the span they run in. */
  postgres?: boolean;
}

const propagator = new W3CTraceContextPropagator();
let contextManagerInstalled = false;

/**
 * Marks the root context of a trace that the head decision (`sampleRequest`) chose to record, so
 * that the SDK's sampler records it without drawing against the ratio a second time.
 */
const HEAD_SAMPLED = createContextKey('ai-commons.head-sampled');
const SAMPLED_ROOT = ROOT_CONTEXT.setValue(HEAD_SAMPLED, true);

/** Root spans: recorded when the head decision said so, else by the ratio (a root started outside a request). */
class HeadDecidedRoot implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler;
  constructor(ratio: number) {
    this.ratio = new TraceIdRatioBasedSampler(ratio);
  }
  shouldSample(from: Context, traceId: string): SamplingResult {
    return from.getValue(HEAD_SAMPLED) === true ? { decision: SamplingDecision.RECORD_AND_SAMPLED } : this.ratio.shouldSample(from, traceId);
  }
  toString(): string {
    return `HeadDecidedRoot{${this.ratio.toString()}}`;
  }
}

/**
 * One service's tracing: an OpenTelemetry tracer provider of its own (not the global one, so two
 * services in one test process keep their names), W3C trace context in and out, and the global
 * AsyncLocalStorage context manager that carries the active span across awaits. Only created when
 * tracing is configured: callers hold `Tracing | undefined` and skip every span when it is absent.
 *
 * Sampling is decided at the head, once per request and before any span exists (`sampleRequest`):
 * a request that is not recorded gets no span, no ids and no context at all, so every span site
 * below it finds no recorded span and does nothing (`recordedSpan`, `startSpan`, `inSpan`).
 */
export class Tracing {
  readonly tracer: Tracer;
  readonly sampleRatio: number;
  private readonly provider: TracerProvider;
  private readonly stopPostgres?: () => void;

  constructor(options: TracingOptions) {
    if (!contextManagerInstalled) {
      // Process-wide by design of the API; a no-op (returns false) if someone installed one already.
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      contextManagerInstalled = true;
    }
    this.sampleRatio = options.sampleRatio ?? 1;
    const exporter = 'exporter' in options.export ? options.export.exporter : otlpExporter(options.export.otlpTracesUrl, options.export.protocol);
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service }),
      sampler: new ParentBasedSampler({ root: new HeadDecidedRoot(this.sampleRatio) }),
      // Exported off the request path, in batches (bounded queue: spans beyond it are dropped, never waited for).
      spanProcessors: ['exporter' in options.export ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter, maxQueueSize: 4096 })],
    });
    this.tracer = this.provider.getTracer('ai-commons');
    if (options.postgres) this.stopPostgres = instrumentPostgres(this.provider);
  }

  /**
   * The head sampling decision for an incoming request: the context to start its span in, or
   * undefined when the request is not recorded. Parent-based: a caller's valid `traceparent`
   * decides by its sampled flag (recorded, as a child of the caller's span; or not at all);
   * without one, or with a malformed one, the ratio decides for the new trace.
   */
  sampleRequest(headers: IncomingHttpHeaders): Context | undefined {
    const traceparent = headers.traceparent;
    if (typeof traceparent === 'string') {
      const caller = parseTraceParent(traceparent);
      if (caller) return caller.traceFlags & TraceFlags.SAMPLED ? propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter) : undefined;
    }
    return Math.random() < this.sampleRatio ? SAMPLED_ROOT : undefined;
  }

  /** Writes `traceparent` (and `tracestate`) of the span active in `from` into outgoing headers. */
  inject(from: Context, headers: Record<string, string>): void {
    propagator.inject(from, headers, defaultTextMapSetter);
  }

  /**
   * The span active in `from` when it belongs to a recorded trace (the request's span, or a stage's);
   * undefined outside one. By the sampled flag, not isRecording(): a recorded span that has ended
   * (a request span whose response closed before its upstream span ended) no longer records, yet
   * its children are still wanted.
   */
  recordedSpan(from: Context = context.active()): Span | undefined {
    const span = trace.getSpan(from);
    return span !== undefined && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0 ? span : undefined;
  }

  /** A child of the span active in `parent`, in a recorded trace; undefined outside one (nothing is made). */
  startSpan(name: string, attributes?: Attributes, kind: SpanKind = SpanKind.INTERNAL, parent: Context = context.active()): Span | undefined {
    if (!this.recordedSpan(parent)) return undefined;
    return this.tracer.startSpan(name, { kind, attributes }, parent);
  }

  /**
   * Runs `work` in a child span of the active one (its own children nest under it); ends it when
   * `work` settles. Outside a recorded trace `work` runs as it is, with no span.
   */
  async inSpan<T>(name: string, work: (span: Span | undefined) => Promise<T>, attributes?: Attributes): Promise<T> {
    const span = this.startSpan(name, attributes);
    if (!span) return work(undefined);
    try {
      return await context.with(trace.setSpan(context.active(), span), () => work(span));
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Sends what is buffered (tests, benchmarks). */
  forceFlush(): Promise<void> {
    return this.provider.forceFlush();
  }

  /** Exports what is buffered and stops; SQL is no longer traced. */
  async shutdown(): Promise<void> {
    this.stopPostgres?.();
    await this.provider.shutdown();
  }
}

/**
 * OTLP/HTTP to `url`. Protobuf by default (the OTLP default): a batch serialises in about a third
 * of JSON's CPU time into a third of the bytes (test/bench/gateway/observability-cost.md).
 */
function otlpExporter(url: string, protocol: OtlpProtocol = 'http/protobuf'): SpanExporter {
  return protocol === 'http/json' ? new OtlpJsonExporter({ url }) : new OtlpProtobufExporter({ url });
}

/** Marks a span as failed with the error's type and message (never a request body). */
export function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
}
