// Issue 15: CPU time the gateway's tracing adds to one request, measured in isolation (the end-to-end
// on/off comparison, gateway-bench.mjs --targets gateway,gateway-observability, drowns it in noise on
// a loaded machine). Each simulated request makes what a chat call makes in the gateway, with the
// gateway's own code (traceRequest, tracedHook, Tracing): the head sampling decision, and when the
// request is recorded its span with the stages that only compute as events (authentication, policy,
// use case, audit admission), the quota admission and audit commit spans, and the upstream span
// (traceparent injected, TTFT and usage-record events); one that is not recorded passes the caller's
// trace headers on as the gateway does. The spans are exported in batches over OTLP/HTTP (protobuf,
// the default, or JSON) to a receiver in another process (otlp-sink.mjs), and that export's CPU is
// counted (each run ends with a flush). "off" runs the same hooks untraced: the difference is the
// cost. Ratios below 1 sample new traces (OTEL_TRACES_SAMPLER_ARG; the services' default is 5 %).
//   node test/bench/gateway/tracing-cost.mjs [--requests 20000] [--runs 5]   (needs dist/: node tools/build.mjs)
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const REQUESTS = option('requests', 20_000);
const RUNS = option('runs', 5);
const { Tracing, traceRequest, callerTraceHeaders } = require(path.join(root, 'dist/libs/platform/observability/src/index.js'));
const { tracedHook, composeHooks, ALLOW } = require(path.join(root, 'dist/libs/domain/gateway-admission/src/index.js'));
const { context, trace } = require('@opentelemetry/api');

const sink = spawn(process.execPath, [path.join(import.meta.dirname, 'otlp-sink.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const sinkLines = createInterface({ input: sink.stdout });
const sinkUrl = await new Promise((resolve) => sinkLines.once('line', (line) => resolve(JSON.parse(line).url)));

const allow = { decide: async () => ALLOW };
const durable = { decide: async () => ({ decision: 'allow', admission: { readyToRespond: Promise.resolve(), complete: () => undefined } }) };
const request = { requestId: 'r', caller: { tenantId: 't', principal: { subject: 's' } } };
const noSoFar = Object.freeze({});

/** The gateway's pipeline for one chat call, traced with `tracing` or not at all; `headers`: what the caller sent. */
function pipeline(tracing, headers = {}) {
  const traced = (name, hook, options) => (tracing ? tracedHook(tracing, name, hook, options) : hook);
  // As create-gateway.ts composes them.
  const hooks = composeHooks(
    traced('gateway.policy', allow, { as: 'event' }),
    traced('gateway.use_case', allow, { as: 'event' }),
    traced('gateway.quota_admission', allow),
    traced('gateway.audit_admission', durable, { as: 'event', commitSpan: 'gateway.audit_commit' }),
  );
  // As gateway-server.ts and proxy-call.ts make them.
  const work = async (req) => {
    tracing?.recordedSpan()?.setAttribute('ai_commons.institution', 'hanbit-bank').addEvent('gateway.authenticated');
    await hooks.decide(request, noSoFar);
    const callerTrace = tracing?.recordedSpan() || req.headers.traceparent === undefined ? undefined : callerTraceHeaders(req.headers);
    const upstream = tracing?.startSpan(
      'gateway.upstream',
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'sim',
        'ai_commons.endpoint': 'chat-llm',
        'ai_commons.stream': true,
        'http.request.method': 'POST',
      },
      2,
    );
    const sent = { 'content-type': 'application/json', 'x-request-id': 'r' };
    if (upstream) tracing.inject(trace.setSpan(context.active(), upstream), sent);
    else if (callerTrace) Object.assign(sent, callerTrace);
    upstream?.setAttributes({ 'server.address': '127.0.0.1', 'server.port': 18090 });
    upstream?.setAttribute('http.response.status_code', 200);
    upstream?.addEvent('gen_ai.first_token', { 'ai_commons.ttft_ms': 3.2 });
    if (upstream) {
      upstream.addEvent('gateway.usage_record');
      upstream.setAttributes({ 'ai_commons.outcome': 'success', 'gen_ai.usage.input_tokens': 20, 'gen_ai.usage.output_tokens': 16 });
      upstream.end();
    }
  };
  return async () => {
    const req = { method: 'POST', url: '/v1/chat/completions', headers };
    if (!tracing) return work(req);
    const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true });
    let done;
    traceRequest(tracing, req, res, '/v1/chat/completions', 'r', () => (done = work(req)));
    await done;
    res.emit('close');
  };
}

async function run(serve, tracing) {
  // CPU time of this process, not wall time (the machine is shared); the export's serialisation included.
  const started = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) await serve();
  await tracing?.forceFlush();
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / REQUESTS;
}

const traced = (sampleRatio, protocol = 'http/protobuf') =>
  new Tracing({ service: 'bench', export: { otlpTracesUrl: `${sinkUrl}/v1/traces`, protocol }, sampleRatio });
const unsampledCaller = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' };
const variants = [
  ['off', undefined],
  ['on, every request', traced(1)],
  ['on, every request, JSON', traced(1, 'http/json')],
  ['on, 10 % sampled', traced(0.1)],
  ['on, 5 % sampled (default)', traced(0.05)],
  // The unsampled path alone: what every request the sampler passes over still costs.
  ['on, none sampled', traced(0)],
  ["on, caller's unsampled traceparent", traced(1), unsampledCaller],
].map(([name, tracing, headers]) => ({ name, tracing, serve: pipeline(tracing, headers), samples: [] }));

for (const variant of variants) await run(variant.serve, variant.tracing); // warm-up (JIT)
for (let r = 0; r < RUNS; r++) for (const variant of variants) variant.samples.push(await run(variant.serve, variant.tracing));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const off = median(variants[0].samples);
console.log(`CPU per request, median of ${RUNS} runs × ${REQUESTS} requests (process.cpuUsage):`);
for (const { name, samples } of variants) {
  const m = median(samples);
  console.log(
    `  ${name.padEnd(36)} ${(m / 1000).toFixed(1).padStart(6)} µs  (min ${(Math.min(...samples) / 1000).toFixed(1)}, max ${(Math.max(...samples) / 1000).toFixed(1)})${name === 'off' ? '' : `  added: ${((m - off) / 1000).toFixed(1)} µs`}`,
  );
}
for (const { tracing } of variants) await tracing?.shutdown();
sink.kill('SIGTERM');
console.log(`OTLP receiver: ${await new Promise((resolve) => sinkLines.once('line', resolve))}`);
