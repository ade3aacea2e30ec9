import type { IncomingHttpHeaders } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
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
  /** Share of traces started here that are recorded; a caller's sampled flag decides for its own trace. */
  sampleRatio?: number;
  /** Spans for SQL (the official pg instrumentation), as children of the span they run in. */
  postgres?: boolean;
}

const propagator = new W3CTraceContextPropagator();
let contextManagerInstalled = false;

/**
 * One service's tracing: an OpenTelemetry tracer provider of its own (not the global one, so two
 * services in one test process keep their names), W3C trace context in and out, and the global
 * AsyncLocalStorage context manager that carries the active span across awaits. Only created when
 * tracing is configured: callers hold `Tracing | undefined` and skip every span when it is absent.
 */
export class Tracing {
  readonly tracer: Tracer;
  private readonly provider: TracerProvider;
  private readonly stopPostgres?: () => void;

  constructor(options: TracingOptions) {
    if (!contextManagerInstalled) {
      // Process-wide by design of the API; a no-op (returns false) if someone installed one already.
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      contextManagerInstalled = true;
    }
    const exporter = 'exporter' in options.export ? options.export.exporter : otlpExporter(options.export.otlpTracesUrl, options.export.protocol);
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
      // Exported off the request path, in batches (bounded queue: spans beyond it are dropped, never waited for).
      spanProcessors: ['exporter' in options.export ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter, maxQueueSize: 4096 })],
    });
    this.tracer = this.provider.getTracer('ai-commons');
    if (options.postgres) this.stopPostgres = instrumentPostgres(this.provider);
  }

  /** The caller's trace context from `traceparent`/`tracestate`; the root context when absent or malformed. */
  extract(headers: IncomingHttpHeaders): Context {
    return headers.traceparent === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  }

  /** Writes `traceparent` (and `tracestate`) of the span active in `from` into outgoing headers. */
  inject(from: Context, headers: Record<string, string>): void {
    propagator.inject(from, headers, defaultTextMapSetter);
  }

  /**
   * True inside a trace that is not recorded (not sampled): callers can skip their span work entirely.
   * By the sampled flag, not isRecording(): a recorded span that has ended (a request span whose
   * response closed before its usage record) no longer records, yet its children are still wanted.
   */
  unsampled(from: Context = context.active()): boolean {
    const span = trace.getSpan(from);
    return span !== undefined && (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0;
  }

  /**
   * A span that is a child of the active one. In a trace that is not recorded (not sampled), the
   * parent itself is returned: every operation on it is a no-op, and it propagates the same
   * unsampled context, without the cost of ids, attributes and a sampling decision per child.
   */
  startSpan(name: string, attributes?: Attributes, kind: SpanKind = SpanKind.INTERNAL, parent: Context = context.active()): Span {
    if (this.unsampled(parent)) return trace.getSpan(parent)!;
    return this.tracer.startSpan(name, { kind, attributes }, parent);
  }

  /** Runs `work` in a child span of the active one (its own children nest under it); ends it when `work` settles. */
  async inSpan<T>(name: string, work: (span: Span) => Promise<T>, attributes?: Attributes): Promise<T> {
    // Not recorded (see startSpan): nothing to make, nothing to switch.
    if (this.unsampled()) return work(trace.getSpan(context.active())!);
    const span = this.startSpan(name, attributes);
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
