// Issue 15: CPU time the gateway's per-call metrics add, measured in isolation (the end-to-end
// on/off comparison in gateway-bench.mjs drowns it in noise on a loaded machine).
// node test/bench/gateway/metrics-cost.mjs   (needs dist/: node tools/build.mjs)
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);
const { Registry } = require('prom-client');
const { GatewayMetrics } = require(path.join(root, 'dist/libs/platform/observability/src/metrics/gateway-metrics.js'));

const registry = new Registry();
const metrics = new GatewayMetrics(registry);
// 50 endpoints of 5 institutions, as a routing table would hold them.
const endpoints = Array.from({ length: 50 }, (_, i) => ({ endpointId: `e${i}`, institution: `inst-${i % 5}`, endpoint: `llm-${i}`, model: `model-${i % 7}` }));
const findings = [{ detector: 'rrn', count: 1 }];
const NO_FINDINGS = [];
const statuses = [200, 200, 200, 200, 200, 200, 200, 400, 502, 499];

function run(calls) {
  // CPU time of this process, not wall time: on a shared, loaded machine the wall clock includes
  // the time the process waited for a core.
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const labels = endpoints[i % endpoints.length];
    const status = statuses[i % statuses.length];
    if (i % 4 === 0) metrics.streamOpened(labels);
    // Every admitted call has a policy decision; one in ten finds personal data.
    metrics.observePolicyDecision(i % 10 === 0 ? 'pii.mask' : 'default', i % 10 === 0 ? 'mask' : 'allow', i % 10 === 0 ? findings : NO_FINDINGS);
    metrics.observeCall(labels, {
      outcome: status === 200 ? 'success' : 'upstream_error',
      status,
      latencyMs: 10 + (i % 900),
      ttftMs: i % 4 === 0 ? 5 : undefined,
      upstreamMs: 8 + (i % 800),
      promptTokens: 40,
      completionTokens: 60,
    });
    if (i % 4 === 0) metrics.streamClosed(labels);
  }
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / calls;
}

run(200_000); // warm-up (label children created, JIT)
const samples = Array.from({ length: 7 }, () => run(500_000)).sort((a, b) => a - b);
const scrapeStarted = process.hrtime.bigint();
const text = await registry.metrics();
const scrapeMs = Number(process.hrtime.bigint() - scrapeStarted) / 1e6;
console.log(
  `CPU per call: median ${samples[3].toFixed(0)} ns (min ${samples[0].toFixed(0)}, max ${samples[6].toFixed(0)}) over 7 × 500k calls; one scrape of ${text.length} bytes (${endpoints.length} endpoints): ${scrapeMs.toFixed(1)} ms`,
);
