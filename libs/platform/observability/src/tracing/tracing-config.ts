import type { AppConfig } from '@ai-commons/config';
import { Tracing } from './tracing';

type TracingSettings = Pick<
  AppConfig,
  'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_EXPORTER_OTLP_PROTOCOL' | 'OTEL_TRACES_SAMPLER_ARG'
>;

/** Where spans are posted: the traces URL if given, else `<endpoint>/v1/traces` (the OTLP/HTTP convention); none: off. */
export function otlpTracesUrl(config: TracingSettings): string | undefined {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
}

/** The service's tracing as configured, or undefined when no OTLP endpoint is set (tracing off: nothing is loaded or allocated per request). */
export function tracingFromConfig(config: TracingSettings, service: string, options: { postgres?: boolean } = {}): Tracing | undefined {
  const url = otlpTracesUrl(config);
  if (!url) return undefined;
  return new Tracing({
    service,
    export: { otlpTracesUrl: url, protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL },
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    postgres: options.postgres,
  });
}
