import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Seconds buckets for request latency: model calls run from tens of ms to minutes. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** What the gateway knows of one routed endpoint: the only source of label values (never user input). */
export interface EndpointLabels {
  endpointId: string;
  institution: string;
  endpoint: string;
  model: string;
}

/** Why a 429 was answered: the quota dimension that refused, the monthly budget, or the authentication-failure brake. */
export type ThrottleReason = 'rate' | 'tokens' | 'concurrency' | 'budget' | 'authentication' | 'other';

/** One finished model call, as the proxy saw it. */
export interface CallObservation {
  outcome: string;
  status: number;
  latencyMs: number;
  /** Time to the first streamed byte (only streamed calls). */
  ttftMs?: number;
  /** Request sent upstream to the model server's response headers (absent when it never answered). */
  upstreamMs?: number;
  promptTokens: number;
  completionTokens: number;
}

interface EndpointChildren {
  labels: EndpointLabels;
  latency: ReturnType<Histogram<'institution' | 'endpoint' | 'model'>['labels']>;
  ttft: ReturnType<Histogram<'institution' | 'endpoint' | 'model'>['labels']>;
  upstream: ReturnType<Histogram<'institution' | 'endpoint' | 'model'>['labels']>;
  tokensIn: ReturnType<Counter<'institution' | 'endpoint' | 'model' | 'direction'>['labels']>;
  tokensOut: ReturnType<Counter<'institution' | 'endpoint' | 'model' | 'direction'>['labels']>;
  streams: ReturnType<Gauge<'institution' | 'endpoint' | 'model'>['labels']>;
  /** Request counters by `${outcome} ${status}`: few combinations per endpoint. */
  requests: Map<string, ReturnType<Counter<'institution' | 'endpoint' | 'model' | 'outcome' | 'status'>['labels']>>;
}

/**
 * The gateway's metrics. Label children are resolved once per endpoint and cached (the hot path
 * does a Map lookup, no label hashing); refusals before routing carry only the error code and
 * status, which are the gateway's own constants.
 */
export class GatewayMetrics {
  private readonly requests: Counter<'institution' | 'endpoint' | 'model' | 'outcome' | 'status'>;
  private readonly latency: Histogram<'institution' | 'endpoint' | 'model'>;
  private readonly ttft: Histogram<'institution' | 'endpoint' | 'model'>;
  private readonly upstream: Histogram<'institution' | 'endpoint' | 'model'>;
  private readonly tokens: Counter<'institution' | 'endpoint' | 'model' | 'direction'>;
  private readonly streamsOpen: Gauge<'institution' | 'endpoint' | 'model'>;
  private readonly refusals: Counter<'status' | 'code'>;
  private readonly throttled: Counter<'reason'>;
  private readonly policyDecisions: Counter<'rule' | 'action'>;
  private readonly piiFindings: Counter<'detector'>;
  private readonly children = new Map<string, EndpointChildren>();
  private readonly refusalChildren = new Map<string, ReturnType<Counter<'status' | 'code'>['labels']>>();
  /** By rule, then action: every admitted call has a decision, so no label hashing per call. */
  private readonly decisionChildren = new Map<string, Map<string, ReturnType<Counter<'rule' | 'action'>['labels']>>>();

  constructor(registry: Registry) {
    const registers = [registry];
    const endpointLabels = ['institution', 'endpoint', 'model'] as const;
    this.requests = new Counter({
      name: 'ai_commons_gateway_requests_total',
      help: 'Admitted model calls by outcome and HTTP status',
      labelNames: [...endpointLabels, 'outcome', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'ai_commons_gateway_request_duration_seconds',
      help: 'Model call latency, request received to answer finished',
      labelNames: endpointLabels,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.ttft = new Histogram({
      name: 'ai_commons_gateway_time_to_first_token_seconds',
      help: 'Streamed calls: request received to first chunk relayed',
      labelNames: endpointLabels,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.upstream = new Histogram({
      name: 'ai_commons_gateway_upstream_duration_seconds',
      help: "Request sent to the model server until its response headers (the model server's share of the latency)",
      labelNames: endpointLabels,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: 'ai_commons_gateway_tokens_total',
      help: 'Tokens charged, by direction (in = prompt, out = completion)',
      labelNames: [...endpointLabels, 'direction'],
      registers,
    });
    this.streamsOpen = new Gauge({ name: 'ai_commons_gateway_streams_open', help: 'Streams being relayed now', labelNames: endpointLabels, registers });
    this.refusals = new Counter({
      name: 'ai_commons_gateway_refusals_total',
      help: 'Requests answered with an error before or at admission, by status and error code',
      labelNames: ['status', 'code'],
      registers,
    });
    this.throttled = new Counter({
      name: 'ai_commons_gateway_throttled_total',
      help: '429 answers by reason: rate, tokens, concurrency (the quota dimension), budget, authentication',
      labelNames: ['reason'],
      registers,
    });
    this.policyDecisions = new Counter({
      name: 'ai_commons_gateway_policy_decisions_total',
      help: 'Data-handling policy decisions by rule (of the policy in service) and action (allow, mask, deny)',
      labelNames: ['rule', 'action'],
      registers,
    });
    this.piiFindings = new Counter({
      name: 'ai_commons_gateway_pii_findings_total',
      help: 'Personal data found in requests, by detector',
      labelNames: ['detector'],
      registers,
    });
  }

  private childrenOf(labels: EndpointLabels): EndpointChildren {
    let children = this.children.get(labels.endpointId);
    // An endpoint renamed (or its institution's slug changed) by a reload gets fresh children.
    if (
      !children ||
      children.labels.endpoint !== labels.endpoint ||
      children.labels.model !== labels.model ||
      children.labels.institution !== labels.institution
    ) {
      const { institution, endpoint, model } = labels;
      children = {
        labels,
        latency: this.latency.labels(institution, endpoint, model),
        ttft: this.ttft.labels(institution, endpoint, model),
        upstream: this.upstream.labels(institution, endpoint, model),
        tokensIn: this.tokens.labels(institution, endpoint, model, 'in'),
        tokensOut: this.tokens.labels(institution, endpoint, model, 'out'),
        streams: this.streamsOpen.labels(institution, endpoint, model),
        requests: new Map(),
      };
      this.children.set(labels.endpointId, children);
    }
    return children;
  }

  /** A finished admitted call. */
  observeCall(labels: EndpointLabels, call: CallObservation): void {
    const children = this.childrenOf(labels);
    const key = `${call.outcome} ${call.status}`;
    let counter = children.requests.get(key);
    if (!counter) {
      counter = this.requests.labels(labels.institution, labels.endpoint, labels.model, call.outcome, String(call.status));
      children.requests.set(key, counter);
    }
    counter.inc();
    children.latency.observe(call.latencyMs / 1000);
    if (call.ttftMs !== undefined) children.ttft.observe(call.ttftMs / 1000);
    if (call.upstreamMs !== undefined) children.upstream.observe(call.upstreamMs / 1000);
    if (call.promptTokens) children.tokensIn.inc(call.promptTokens);
    if (call.completionTokens) children.tokensOut.inc(call.completionTokens);
  }

  streamOpened(labels: EndpointLabels): void {
    this.childrenOf(labels).streams.inc();
  }

  streamClosed(labels: EndpointLabels): void {
    this.childrenOf(labels).streams.dec();
  }

  /**
   * A request answered with an error before or at admission. `code` is one of the gateway's error
   * codes; `reason` classifies a 429 (see ThrottleReason).
   */
  observeRefusal(status: number, code: string, reason: ThrottleReason = 'other'): void {
    const key = `${status} ${code}`;
    let counter = this.refusalChildren.get(key);
    if (!counter) {
      counter = this.refusals.labels(String(status), code);
      this.refusalChildren.set(key, counter);
    }
    counter.inc();
    if (status === 429) this.throttled.labels(reason).inc();
  }

  /**
   * One decision of the data-handling policy. `rule` is a rule id of the policy in service (or one
   * of the policy module's own), `action` allow/mask/deny, `detectors` the PII detectors that found
   * something (the policy module's fixed set), with their counts.
   */
  observePolicyDecision(rule: string, action: string, findings: readonly { detector: string; count: number }[]): void {
    let byAction = this.decisionChildren.get(rule);
    if (!byAction) this.decisionChildren.set(rule, (byAction = new Map()));
    let counter = byAction.get(action);
    if (!counter) byAction.set(action, (counter = this.policyDecisions.labels(rule, action)));
    counter.inc();
    for (const { detector, count } of findings) if (count > 0) this.piiFindings.labels(detector).inc(count);
  }
}
