// Gateway benchmark (issue 3): the model simulator called directly, through the ai-commons gateway
// (API-key auth and usage recording on) and through the Portkey open-source gateway, in one run on
// loopback, with autocannon. Measures maximum throughput and latency at a fixed rate, and the
// overhead of each gateway over the direct call. Writes results.md (and raw/<stamp>.json) here.
//
//   node test/bench/gateway/gateway-bench.mjs [--repeats 3] [--rate 200] [--rate-duration 15]
//        [--rate-pacing paced|burst] [--rate-connections N] [--max-connections 50] [--max-duration 10] [--warmup 20]
//        [--out test/bench/gateway/results.md] [--no-reference-proxy] [--gateway-env K=V,...]
//        [--profile [--profile-load max|rate]] [--render raw/<run>.json]
//        [--targets direct,gateway,portkey,reference] [--only max|rate]   (quick checks; use --out elsewhere)
//
// A bare node:http proxy (reference-proxy.mjs) is measured as a fourth target, the floor for any
// Node.js proxy on the machine (--no-reference-proxy leaves it out). --gateway-env passes extra settings to the gateway process
// (diagnostics only; results.md says so). --profile skips the measurements: it runs the gateway
// under `node --cpu-prof`, drives one max-throughput (or fixed-rate) run through it, and prints
// self and inclusive time by function, file and package for that run only.
//
// Needs PostgreSQL (BENCH_POSTGRES_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres)
// and a built dist/ (built with tools/build.mjs when missing). dist/ is copied into raw/ first, so
// someone else's rebuild cannot pull files from under the running processes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  MODEL,
  RAW_DIR,
  UPSTREAM_KEY,
  cpuMs,
  createBenchDatabase,
  machineCpuMs,
  postgresCpuDeltaMs,
  postgresCpuMs,
  dropBenchDatabase,
  freePort,
  log,
  rssMiB,
  seed,
  snapshotDist,
  startChild,
  startGateway as startBenchGateway,
  startOtlpSink,
  startSequencer,
  startSimulator,
  stopAll,
  stopChild,
  waitFor,
  withPg,
  pinning,
} from './bench-setup.mjs';
import { PACE_LEAD_MS, pacer } from './pacer.mjs';

const root = path.resolve(import.meta.dirname, '../../..');
const here = import.meta.dirname;
const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const flags = new Set(argv.filter((arg) => arg.startsWith('--')));
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined && !argv[index + 1].startsWith('--') ? argv[index + 1] : fallback;
};
const OPTIONS = {
  repeats: Number(option('repeats', 3)),
  rate: Number(option('rate', 200)),
  rateDurationS: Number(option('rate-duration', 15)),
  // paced (default): requests evenly spaced, connections take turns; burst: autocannon's plain
  // overallRate over --rate-connections connections (see pacer()).
  ratePacing: option('rate-pacing', 'paced'),
  rateConnections: Number(option('rate-connections', 0)),
  maxConnections: Number(option('max-connections', 50)),
  maxDurationS: Number(option('max-duration', 10)),
  warmupS: Number(option('warmup', 20)), // Portkey needs ~15 s of load before its throughput levels off
  out: path.resolve(option('out', path.join(here, 'results.md'))),
  // A fourth target: a bare node:http proxy (reference-proxy.mjs), the floor for any Node.js proxy here.
  referenceProxy: !flags.has('--no-reference-proxy'),
  // Extra environment for the gateway process (diagnostics), e.g. GATEWAY_USAGE_FLUSH_MS=600000.
  gatewayEnv: Object.fromEntries(
    (option('gateway-env', '') || '')
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  ),
  // Re-renders results.md from a raw JSON of an earlier run (after a change to the report layout).
  render: option('render', undefined),
  profile: flags.has('--profile'),
  // The measured target alone on CPU 1; this script (autocannon), the simulator, the sequencer and
  // PostgreSQL on CPU 0: the target's CPU per request without their work inflating it (2-core machine).
  pin: flags.has('--pin'),
  profileLoad: option('profile-load', 'max'), // max | rate: the load driven through the profiled gateway
  // Quick checks while working (results.md says so): a subset of targets, or only one kind of run.
  targets: option('targets', undefined)?.split(','),
  only: option('only', undefined), // max | rate
};
if (!['paced', 'burst'].includes(OPTIONS.ratePacing)) throw new Error('--rate-pacing is paced or burst');
if (!OPTIONS.rateConnections) OPTIONS.rateConnections = OPTIONS.ratePacing === 'paced' ? OPTIONS.rate : 10;
// One database per run: two runs on a shared machine would otherwise drop (with force) each other's.
const DATABASE_NAME = `ai_commons_bench_gateway_${process.pid}`;
const BODY = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Summarise the credit policy in one sentence.' }], max_tokens: 16 });
// gateway-no-use-case (issue 13): the use-case hook admitting without a lookup (without-use-case.cjs); the
// difference to `gateway` is what enforcement adds. gateway-metrics (issue 15: the gateway with its /metrics
// port on, scraped every 5 s) and gateway-observability (metrics and tracing on at their defaults: 5 % of new
// traces recorded, spans exported as OTLP protobuf to a local receiver; --gateway-env OTEL_TRACES_SAMPLER_ARG=1
// traces every request) only when named in --targets.
const OBSERVABILITY_TARGETS = ['gateway-metrics', 'gateway-observability'];
let TARGETS = [
  'direct',
  'gateway',
  'gateway-core',
  'gateway-no-use-case',
  ...OBSERVABILITY_TARGETS,
  'portkey',
  ...(OPTIONS.referenceProxy ? ['reference'] : []),
]
  .filter((target) => !OBSERVABILITY_TARGETS.includes(target) || OPTIONS.targets)
  .filter((target) => !OPTIONS.targets || OPTIONS.targets.includes(target));
let PROXIES = TARGETS.filter((target) => target !== 'direct');
const LABELS = {
  direct: 'simulator direct',
  gateway: 'ai-commons gateway as shipped (with the audit record)',
  'gateway-core': 'ai-commons gateway, issue 3 configuration (no audit record)',
  'gateway-metrics': 'ai-commons gateway as shipped, metrics on (scraped every 5 s)',
  'gateway-no-use-case': 'ai-commons gateway as shipped, use-case hook admitting without a lookup',
  'gateway-observability':
    'ai-commons gateway as shipped, metrics on (scraped every 5 s) and tracing on (default sampling, 5 % of new traces; OTLP to a local receiver)',
  portkey: 'Portkey gateway',
  reference: 'bare node:http proxy (reference)',
};
const GOALS = { p50OverheadMs: 1, p99OverheadMs: 5, throughputRatio: 2, useCaseP50Ms: 0.05 };
// Every gateway of this script gets the --gateway-env settings.
const startGateway = (dist, database, kek, settings = {}) => startBenchGateway(dist, database, kek, { ...settings, env: OPTIONS.gatewayEnv });

// ---------------------------------------------------------------------------------------------
// The other targets

async function startPortkey() {
  const packageDir = path.join(root, 'node_modules/@portkey-ai/gateway');
  const { version, bin } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const port = await freePort();
  const record = startChild('Portkey gateway', [path.join(packageDir, typeof bin === 'string' ? bin : Object.values(bin)[0]), '--headless', `--port=${port}`], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Portkey to answer', record, async () => (await fetch(`${url}/`)).ok);
  return { record, url, version };
}

async function startReferenceProxy(simulatorUrl) {
  const record = startChild('reference proxy', [path.join(here, 'reference-proxy.mjs'), simulatorUrl], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
  });
  const url = await waitFor('the reference proxy to listen', record, () => record.lines.map((line) => JSON.parse(line).url).find(Boolean));
  return { record, url };
}

function targetRequest(target, urls, apiKey) {
  const base = { 'content-type': 'application/json' };
  switch (target) {
    case 'direct':
      return { url: `${urls.simulator}/v1/chat/completions`, headers: { ...base, authorization: `Bearer ${UPSTREAM_KEY}` } };
    case 'gateway':
    case 'gateway-core':
    case 'gateway-metrics':
    case 'gateway-no-use-case':
    case 'gateway-observability':
      return { url: `${urls[target]}/v1/chat/completions`, headers: { ...base, authorization: `Bearer ${apiKey}` } };
    case 'reference':
      return { url: `${urls.reference}/v1/chat/completions`, headers: { ...base, authorization: `Bearer ${UPSTREAM_KEY}` } };
    case 'portkey':
      // Portkey forwards the bearer token as the provider's API key and sends the request to
      // <custom host>/chat/completions for provider openai.
      return {
        url: `${urls.portkey}/v1/chat/completions`,
        headers: { ...base, authorization: `Bearer ${UPSTREAM_KEY}`, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${urls.simulator}/v1` },
      };
    default:
      throw new Error(target);
  }
}

/** One request per target: each must answer 200 with the simulator's (deterministic) completion. */
async function checkTargets(requests) {
  const contents = {};
  for (const target of TARGETS) {
    const { url, headers } = requests[target];
    const response = await fetch(url, { method: 'POST', headers, body: BODY });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${target}: HTTP ${response.status}: ${text.slice(0, 500)}`);
    contents[target] = JSON.parse(text).choices?.[0]?.message?.content;
  }
  if (!contents.direct || TARGETS.some((target) => contents[target] !== contents.direct)) {
    throw new Error(`the targets answered differently: ${JSON.stringify(contents)}`);
  }
  return contents.direct;
}

// ---------------------------------------------------------------------------------------------
// Load generation and statistics

/** Nearest-rank percentile of sorted values. */
function percentile(sorted, q) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function median(values) {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!finite.length) return NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[middle] : (finite[middle - 1] + finite[middle]) / 2;
}

/**
 * One autocannon run. Latencies are taken from every 2xx response's own duration (float ms, from
 * process.hrtime) rather than autocannon's histogram, which keeps whole milliseconds only.
 */
/** Processes that serve every target (their CPU is part of each run's machine budget). */
const budgetPids = { sequencer: undefined };

function cannon({ url, headers }, { connections, durationS, overallRate, paced = false }) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const statusCounts = {};
    const opts = { url, method: 'POST', headers, body: BODY, connections, duration: durationS, timeout: 10 };
    if (paced) opts.setupClient = pacer({ connections, overallRate });
    else if (overallRate) opts.overallRate = overallRate;
    const instance = autocannon(opts, (error, result) => {
      if (error) return reject(error);
      resolve({ result, latencies, statusCounts });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

async function measure(kind, target, request, pids, settings) {
  const load1Before = os.loadavg()[0];
  const startedAt = new Date().toISOString();
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const budgetBefore = { machine: machineCpuMs(), postgres: postgresCpuMs(), sequencer: cpuMs(budgetPids.sequencer) };
  const benchCpuBefore = process.cpuUsage();
  const { result, latencies, statusCounts } = await cannon(request, settings);
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const cpuAfter = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const budgetAfter = { machine: machineCpuMs(), postgres: postgresCpuMs(), sequencer: cpuMs(budgetPids.sequencer) };
  const sorted = Float64Array.from(latencies).sort();
  const ok = result['2xx'];
  const cpuPerRequestUs = Object.fromEntries(Object.keys(pids).map((name) => [name, ok ? ((cpuAfter[name] - cpuBefore[name]) * 1000) / ok : NaN]));
  const perRequestUs = (before, after) => (ok ? ((after - before) * 1000) / ok : NaN);
  return {
    kind,
    target,
    connections: settings.connections,
    overallRate: settings.overallRate ?? null,
    durationS: result.duration,
    requests2xx: ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    // Paced runs send nothing during the first PACE_LEAD_MS.
    reqPerS: ok / (result.duration - (settings.paced ? PACE_LEAD_MS / 1000 : 0)),
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      max: sorted.length ? sorted[sorted.length - 1] : NaN,
      mean: sorted.length ? sorted.reduce((sum, value) => sum + value, 0) / sorted.length : NaN,
    },
    serverCpuUsPerRequest: cpuPerRequestUs,
    serverRssMiBAfter: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMiB(pid)])),
    loadGeneratorCpuUsPerRequest: ok ? (benchCpu.user + benchCpu.system) / ok : NaN,
    // Every CPU of the machine, per answered request: what the run cost all its processes together.
    machineCpuUsPerRequest: {
      busy: perRequestUs(budgetBefore.machine.busy, budgetAfter.machine.busy),
      idle: perRequestUs(budgetBefore.machine.idle, budgetAfter.machine.idle),
      postgres: perRequestUs(0, postgresCpuDeltaMs(budgetBefore.postgres, budgetAfter.postgres)),
      sequencer: perRequestUs(budgetBefore.sequencer, budgetAfter.sequencer),
    },
    load1: [load1Before, os.loadavg()[0]],
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}

function describe(measurement) {
  const l = measurement.latencyMs;
  const problems = measurement.non2xx + measurement.errors + measurement.timeouts;
  return (
    `${measurement.kind.padEnd(5)} ${measurement.target.padEnd(7)} ${measurement.reqPerS.toFixed(0).padStart(6)} req/s  ` +
    `p50 ${l.p50.toFixed(2)}  p90 ${l.p90.toFixed(2)}  p99 ${l.p99.toFixed(2)}  max ${l.max.toFixed(1)} ms` +
    `${problems ? `  NON-2XX ${measurement.non2xx} ERRORS ${measurement.errors} TIMEOUTS ${measurement.timeouts}` : ''}  load ${measurement.load1[1].toFixed(2)}` +
    // The target's own CPU per answered request: unlike req/s, it holds up roughly on a busy machine.
    (measurement.serverCpuUsPerRequest[measurement.target] === undefined
      ? ''
      : `  CPU ${measurement.serverCpuUsPerRequest[measurement.target].toFixed(0)} µs/request`) +
    `  machine ${fmt(measurement.machineCpuUsPerRequest.busy, 0)} µs/request (PostgreSQL ${fmt(measurement.machineCpuUsPerRequest.postgres, 0)}, sequencer ${fmt(measurement.machineCpuUsPerRequest.sequencer, 0)})`
  );
}

// ---------------------------------------------------------------------------------------------
// CPU profile summary (--profile)

/**
 * Self and inclusive time of a .cpuprofile, restricted to [fromUs, toUs] (CLOCK_MONOTONIC µs: V8's
 * sample timestamps and process.hrtime share that clock on Linux, so the window can be taken in
 * this process), grouped by function, by file and by package, plus inclusive time of the
 * gateway's own functions.
 */
function summariseProfile(file, { fromUs = -Infinity, toUs = Infinity, top = 25, requests } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const shorten = (url) =>
    url
      .replace(/^file:\/\//, '')
      .replace(`${root}/`, '')
      .replace(/test\/bench\/gateway\/raw\/dist-\d+\//, 'dist/');
  const frameName = ({ functionName, url, lineNumber }) => `${functionName || '(anonymous)'}${url ? ` ${shorten(url)}:${lineNumber + 1}` : ''}`;
  const bucket = ({ url, functionName }) => {
    if (!url) return functionName; // (garbage collector), (idle), (program), native functions such as writev
    const file = shorten(url);
    if (file.startsWith('node:')) return 'node: core';
    const pkg = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    if (pkg) return `npm ${pkg[1]}`;
    const lib = file.match(/^dist\/((?:libs\/[^/]+|apps)\/[^/]+)/);
    return lib ? lib[1] : file;
  };
  const self = { functions: new Map(), files: new Map(), buckets: new Map() };
  const inclusive = new Map();
  const inclusiveCore = new Map();
  // Each busy sample charged to the nearest ai-commons frame on its stack (the node:http, pg or crypto
  // work a gateway function started counts as that function's), else to the outermost library frame.
  const attributed = new Map();
  let busy = 0;
  const notBusy = new Set(['(idle)', '(program)', 'writev', 'writeBuffer', 'writeUtf8String']);
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  let total = 0;
  let timestamp = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    timestamp += profile.timeDeltas[i];
    if (timestamp < fromUs || timestamp > toUs) continue;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    total += ms;
    const { callFrame } = byId.get(profile.samples[i]);
    add(self.functions, frameName(callFrame), ms);
    add(self.files, shorten(callFrame.url) || callFrame.functionName, ms);
    add(self.buckets, bucket(callFrame), ms);
    if (!notBusy.has(callFrame.functionName) || callFrame.url) {
      busy += ms;
      let owner = callFrame.url ? undefined : callFrame.functionName; // (garbage collector) and other natives stay themselves
      let outermost;
      for (let id = profile.samples[i]; id !== undefined && owner === undefined; id = parent.get(id)) {
        const frame = byId.get(id).callFrame;
        if (/\/dist-\d+\//.test(frame.url)) owner = frameName(frame);
        else if (frame.url) outermost = frame;
      }
      add(attributed, owner ?? (outermost ? `(no ai-commons frame) ${bucket(outermost)}` : '(no ai-commons frame)'), ms);
    }
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id).callFrame;
      const ours = /\/dist-\d+\//.test(frame.url);
      if (!ours && !frame.url.startsWith('node:')) continue;
      const name = frameName(frame);
      if (!seen.has(name)) add(ours ? inclusive : inclusiveCore, name, ms);
      seen.add(name);
    }
  }
  const table = (map, limit) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, ms]) => `  ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms  ${name}`)
      .join('\n');
  return (
    `CPU profile ${path.relative(root, file)}: ${total.toFixed(0)} ms sampled in the measurement window\n\n` +
    `Self time by function:\n${table(self.functions, top)}\n\nSelf time by file:\n${table(self.files, top)}\n\n` +
    `Self time by package / library:\n${table(self.buckets, top)}\n\n` +
    `Inclusive time of ai-commons functions (synchronous part; time after an await is not attributed):\n${table(inclusive, top)}\n\n` +
    `Inclusive time of Node.js core functions:\n${table(inclusiveCore, top + 15)}\n\n` +
    `Busy time (not idle, not in a socket write's syscall) by nearest ai-commons function${requests ? `, µs per request (${requests} requests)` : ''}:\n` +
    [...attributed]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top + 15)
      .map(
        ([name, ms]) =>
          `  ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms${requests ? `  ${((ms * 1000) / requests).toFixed(1).padStart(6)} µs` : ''}  ${name}`,
      )
      .join('\n') +
    `\n  total busy ${busy.toFixed(0)} ms${requests ? `, ${((busy * 1000) / requests).toFixed(0)} µs per request` : ''}\n`
  );
}

// ---------------------------------------------------------------------------------------------
// Report

function fmt(value, digits = 2) {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}
function signed(value, digits = 2) {
  return Number.isFinite(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}` : '–';
}

/**
 * The machine's CPU per answered request, medians over runs, split by process: the target, the
 * simulator, PostgreSQL (every postgres process: backends, WAL writer, checkpointer), the audit
 * sequencer, the load generator, and the rest (kernel softirq work of loopback TCP, other processes).
 */
function cpuBudget(runs, target) {
  const of = (pick) => median(runs.map(pick).filter(Number.isFinite));
  const budget = {
    busy: of((m) => m.machineCpuUsPerRequest?.busy),
    idle: of((m) => m.machineCpuUsPerRequest?.idle),
    target: target === 'direct' ? 0 : of((m) => m.serverCpuUsPerRequest[target]),
    simulator: of((m) => m.serverCpuUsPerRequest.simulator),
    postgres: of((m) => m.machineCpuUsPerRequest?.postgres),
    sequencer: of((m) => m.machineCpuUsPerRequest?.sequencer),
    loadGenerator: of((m) => m.loadGeneratorCpuUsPerRequest),
  };
  budget.rest = budget.busy - budget.target - budget.simulator - budget.postgres - budget.sequencer - budget.loadGenerator;
  return budget;
}

function summarise(measurements) {
  const pick = (kind, target) => measurements.filter((m) => m.kind === kind && m.target === target);
  const summary = {};
  for (const kind of ['max', 'rate']) {
    summary[kind] = {};
    for (const target of TARGETS) {
      const runs = pick(kind, target);
      summary[kind][target] = {
        runs: runs.length,
        reqPerS: median(runs.map((m) => m.reqPerS)),
        reqPerSRange: [Math.min(...runs.map((m) => m.reqPerS)), Math.max(...runs.map((m) => m.reqPerS))],
        p50: median(runs.map((m) => m.latencyMs.p50)),
        p90: median(runs.map((m) => m.latencyMs.p90)),
        p99: median(runs.map((m) => m.latencyMs.p99)),
        max: median(runs.map((m) => m.latencyMs.max)),
        proxyCpuUs: target === 'direct' ? NaN : median(runs.map((m) => m.serverCpuUsPerRequest[target])),
        simulatorCpuUs: median(runs.map((m) => m.serverCpuUsPerRequest.simulator)),
        budget: cpuBudget(runs, target),
        requests2xx: runs.reduce((sum, m) => sum + m.requests2xx, 0),
        non2xx: runs.reduce((sum, m) => sum + m.non2xx, 0),
        errors: runs.reduce((sum, m) => sum + m.errors, 0),
        timeouts: runs.reduce((sum, m) => sum + m.timeouts, 0),
      };
    }
  }
  const rate = summary.rate;
  const overhead = {};
  for (const target of PROXIES) {
    overhead[target] = {};
    for (const kind of ['max', 'rate']) {
      overhead[target][kind] = {
        p50: summary[kind][target].p50 - summary[kind].direct.p50,
        p90: summary[kind][target].p90 - summary[kind].direct.p90,
        p99: summary[kind][target].p99 - summary[kind].direct.p99,
      };
    }
  }
  // Paired per repetition (same load conditions), as a cross-check of the difference of medians.
  const paired = {};
  for (const target of PROXIES) {
    const direct = pick('rate', 'direct');
    const proxy = pick('rate', target);
    paired[target] = {
      p50: proxy.map((m, i) => m.latencyMs.p50 - (direct[i]?.latencyMs.p50 ?? NaN)),
      p99: proxy.map((m, i) => m.latencyMs.p99 - (direct[i]?.latencyMs.p99 ?? NaN)),
    };
  }
  const allOk = measurements.every((m) => m.non2xx === 0 && m.errors === 0 && m.timeouts === 0);
  // The issue's targets, judged for each of our gateways that was measured.
  const goalsOf = (target) => {
    const ratio = summary.max[target].reqPerS / summary.max.portkey.reqPerS;
    return {
      p50Overhead: { value: overhead[target].rate.p50, met: overhead[target].rate.p50 <= GOALS.p50OverheadMs },
      p99Overhead: { value: overhead[target].rate.p99, met: overhead[target].rate.p99 <= GOALS.p99OverheadMs },
      p99Absolute: { value: rate[target].p99, met: rate[target].p99 <= GOALS.p99OverheadMs },
      throughputRatio: { value: ratio, met: ratio >= GOALS.throughputRatio },
    };
  };
  const ourGateways = ['gateway-core', 'gateway'].filter((target) => TARGETS.includes(target));
  const goals = { ...Object.fromEntries(ourGateways.map((target) => [target, goalsOf(target)])), allResponses2xx: { met: allOk } };
  return { summary, overhead, paired, goals };
}

function renderMarkdown(run) {
  const { summary, overhead, paired, goals } = run.analysis;
  const o = run.options;
  const yes = (met) => (met ? '**met**' : '**missed**');
  const loads = run.measurements.map((m) => m.load1[1]);
  const lines = [];
  lines.push('# Gateway benchmark results', '');
  lines.push(`Generated by \`test/bench/gateway/gateway-bench.mjs\` — see [README.md](README.md) for what is measured and how to read this.`, '');
  lines.push('```sh', run.command, '```', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| Date | ${run.startedAt} (${Math.round(run.elapsedS)} s) |`);
  lines.push(`| Machine | ${run.machine.nproc} CPUs (\`nproc\`), ${run.machine.cpuModel}, ${run.machine.memGiB} GiB; shared with other jobs |`);
  lines.push(
    `| Load average (1 min) | ${run.machine.loadAtStart.map((v) => v.toFixed(2)).join(' / ')} (1/5/15 min) at start; during measurements min ${fmt(Math.min(...loads))}, median ${fmt(median(loads))}, max ${fmt(Math.max(...loads))} |`,
  );
  lines.push(
    `| Software | Node ${run.machine.node}, autocannon ${run.versions.autocannon}, @portkey-ai/gateway ${run.versions.portkey}, ai-commons ${run.versions.commit} |`,
  );
  lines.push(
    `| Request | \`POST /v1/chat/completions\`, non-streaming, body \`${BODY}\`; simulator ttft 0, inter-token 0, 16 output tokens; keep-alive connections |`,
  );
  lines.push(
    `| Our gateway | \`dist/apps/gateway/src/main.js\`, NODE_ENV=production, LOG_LEVEL=warn, API key auth (\`aic_…\` bearer), usage recording on (default: batched every 200 ms); upstream credential decrypted from the routing table; data policy and quota admission on (in memory); use-case enforcement on (the key bound to an approved use case naming the endpoint; issue 13); ` +
      `as shipped: the audit record of every request (admission record group-committed before the answer, completion record batched); the audit sequencer in a process of its own (as the control plane runs it); ` +
      `issue 3 configuration: the same process with the audit hook replaced by one that admits without writing (\`without-audit.cjs\`, preloaded)${
        Object.keys(o.gatewayEnv).length
          ? `; **diagnostic settings: ${Object.entries(o.gatewayEnv)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}**`
          : ''
      } |`,
  );
  lines.push(`| Portkey | \`start-server.js --headless\`, NODE_ENV=production, \`x-portkey-provider: openai\`, \`x-portkey-custom-host: <simulator>/v1\` |`);
  lines.push(
    `| Runs | ${o.repeats} repetitions, targets interleaved (order rotated each repetition); max throughput: ${o.maxConnections} connections × ${o.maxDurationS} s; fixed rate: ${o.rate} req/s for ${o.rateDurationS} s, ${o.ratePacing === 'paced' ? `paced: one request every ${fmt(1000 / o.rate, 1)} ms over ${o.rateConnections} keep-alive connections (each sends every ${fmt(o.rateConnections / o.rate, 2)} s)` : `autocannon \`overallRate\` over ${o.rateConnections} connections (bursts)`}; ${o.warmupS} s warm-up per target |`,
  );
  lines.push('');
  lines.push('## Targets', '');
  lines.push(
    'Issue 3 sets its targets for the gateway with auth and usage recording on: the *issue 3 configuration* row. ' +
      "The gateway as shipped also writes the audit record of issue 5 and answers only once the request's admission record is committed " +
      '(a PostgreSQL commit with fsync, overlapped with the upstream call). Against a simulator that answers in well under a millisecond that commit cannot hide, ' +
      'so its cost shows in full here; issue 5 sets its own target for it (≤ 1 ms added to p50 against a 50 ms time to first token, test/bench/audit).',
    '',
  );
  lines.push('| Target (issue 3) | Gateway | Result | |', '|---|---|---|---|');
  for (const target of Object.keys(goals).filter((key) => key !== 'allResponses2xx')) {
    const g = goals[target];
    const name = target === 'gateway' ? 'as shipped, with the audit record' : 'issue 3 configuration';
    lines.push(`| Median overhead ≤ ${GOALS.p50OverheadMs} ms at ${o.rate} req/s | ${name} | ${signed(g.p50Overhead.value)} ms | ${yes(g.p50Overhead.met)} |`);
    lines.push(
      `| p99 overhead ≤ ${GOALS.p99OverheadMs} ms at ${o.rate} req/s | ${name} | ${signed(g.p99Overhead.value)} ms (gateway p99 itself: ${fmt(g.p99Absolute.value)} ms, ${g.p99Absolute.met ? 'also' : 'not'} ≤ ${GOALS.p99OverheadMs} ms) | ${yes(g.p99Overhead.met)} |`,
    );
    lines.push(
      `| Max throughput ≥ ${GOALS.throughputRatio}× Portkey's | ${name} | ${fmt(g.throughputRatio.value)}× (${fmt(summary.max[target].reqPerS, 0)} vs ${fmt(summary.max.portkey.reqPerS, 0)} req/s) | ${yes(g.throughputRatio.met)} |`,
    );
  }
  if (summary.rate.reference) {
    const floor = overhead.reference.rate;
    for (const target of Object.keys(goals).filter((key) => key !== 'allResponses2xx')) {
      lines.push(
        `| *Context, not a target:* overhead of a bare node:http proxy (the floor on this machine): p50 ${signed(floor.p50)} ms, p99 ${signed(floor.p99)} ms | ${LABELS[target]} above that floor | ` +
          `p50 ${signed(overhead[target].rate.p50 - floor.p50)} ms, p99 ${signed(overhead[target].rate.p99 - floor.p99)} ms; ` +
          `max throughput ${fmt(summary.max[target].reqPerS / summary.max.reference.reqPerS)}× the bare proxy's | |`,
      );
    }
  }
  if (summary.rate['gateway-no-use-case'] && summary.rate.gateway) {
    // Issue 13: enforcement adds ≤ 0.05 ms p50. Differences of medians, and paired per repetition
    // (same load), next to the CPU it costs per request, which is less noisy than latency here.
    const added = summary.rate.gateway.p50 - summary.rate['gateway-no-use-case'].p50;
    const pairedAdded = median(paired.gateway.p50.map((value, i) => value - paired['gateway-no-use-case'].p50[i]));
    const cpuAdded = summary.rate.gateway.proxyCpuUs - summary.rate['gateway-no-use-case'].proxyCpuUs;
    // A difference this small is below what a loaded 2-core machine resolves: when the difference of
    // medians and the paired difference disagree in sign, the run cannot tell (said, not judged).
    const verdict =
      added <= GOALS.useCaseP50Ms && pairedAdded <= GOALS.useCaseP50Ms
        ? yes(true)
        : Math.sign(added) !== Math.sign(pairedAdded)
          ? '**not resolved by this run** (noise: the two estimates disagree in sign; see test/bench/use-cases for the hook measured alone)'
          : yes(false);
    lines.push(
      `| Use-case enforcement adds ≤ ${GOALS.useCaseP50Ms} ms to p50 at ${o.rate} req/s (issue 13) | as shipped vs the same with the use-case hook admitting without a lookup | ` +
        `${signed(added, 3)} ms (paired per repetition: ${signed(pairedAdded, 3)} ms); CPU ${signed(cpuAdded, 1)} µs/req | ${verdict} |`,
    );
  }
  lines.push(`| Every response 2xx | all | ${goals.allResponses2xx.met ? 'yes' : 'NO — see the error columns'} | ${yes(goals.allResponses2xx.met)} |`);
  lines.push('');
  lines.push(`## Fixed rate: ${o.rate} req/s for ${o.rateDurationS} s (medians of ${o.repeats} runs)`, '');
  lines.push('| Target | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | overhead p50 | overhead p99 | proxy CPU µs/req | 2xx | non-2xx | errors |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const target of TARGETS) {
    const s = summary.rate[target];
    const over = overhead[target]?.rate;
    lines.push(
      `| ${LABELS[target]} | ${fmt(s.reqPerS, 0)} | ${fmt(s.p50)} | ${fmt(s.p90)} | ${fmt(s.p99)} | ${fmt(s.max, 1)} | ${over ? signed(over.p50) : '–'} | ${over ? signed(over.p99) : '–'} | ${fmt(s.proxyCpuUs, 0)} | ${s.requests2xx} | ${s.non2xx} | ${s.errors + s.timeouts} |`,
    );
  }
  lines.push('');
  lines.push(`## Maximum throughput: ${o.maxConnections} connections for ${o.maxDurationS} s (medians of ${o.repeats} runs)`, '');
  lines.push(
    '| Target | req/s (median) | req/s range | p50 ms | p99 ms | overhead p50 | overhead p99 | proxy CPU µs/req | simulator CPU µs/req | 2xx | non-2xx | errors |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const target of TARGETS) {
    const s = summary.max[target];
    const over = overhead[target]?.max;
    lines.push(
      `| ${LABELS[target]} | **${fmt(s.reqPerS, 0)}** | ${fmt(s.reqPerSRange[0], 0)}–${fmt(s.reqPerSRange[1], 0)} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${over ? signed(over.p50) : '–'} | ${over ? signed(over.p99) : '–'} | ${fmt(s.proxyCpuUs, 0)} | ${fmt(s.simulatorCpuUs, 0)} | ${s.requests2xx} | ${s.non2xx} | ${s.errors + s.timeouts} |`,
    );
  }
  lines.push('');
  lines.push(`## Where the machine's CPU goes at maximum throughput (µs of CPU per answered request, medians of ${o.repeats} runs)`, '');
  lines.push(
    `All ${run.machine.nproc} CPUs of the machine (\`/proc/stat\`), split by process (\`/proc/<pid>/stat\`). Throughput is bounded by the machine: ` +
      `${run.machine.nproc} CPUs give ${(run.machine.nproc * 1e6).toLocaleString('en')} µs of CPU per second, so a target's maximum req/s is about that divided by (busy + idle) here. ` +
      `PostgreSQL is every postgres process (other jobs' databases included, if any ran); "rest" is kernel work not charged to a process (loopback TCP softirq) and other processes.`,
    '',
  );
  lines.push('| Target | req/s | machine busy | idle | target process | simulator | PostgreSQL | audit sequencer | load generator | rest |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const target of TARGETS) {
    const s = summary.max[target];
    const b = s.budget;
    lines.push(
      `| ${LABELS[target]} | ${fmt(s.reqPerS, 0)} | ${fmt(b.busy, 0)} | ${fmt(b.idle, 0)} | ${target === 'direct' ? '–' : fmt(b.target, 0)} | ${fmt(b.simulator, 0)} | ${fmt(b.postgres, 0)} | ${fmt(b.sequencer, 0)} | ${fmt(b.loadGenerator, 0)} | ${fmt(b.rest, 0)} |`,
    );
  }
  lines.push('');
  lines.push('## Every run', '');
  lines.push(
    `Overhead paired by repetition at ${o.rate} req/s (proxy − direct of the same repetition): ` +
      PROXIES.map(
        (target) =>
          `${LABELS[target]} p50 ${paired[target].p50.map((v) => signed(v)).join(', ')} ms, p99 ${paired[target].p99.map((v) => signed(v)).join(', ')} ms`,
      ).join('; ') +
      '.',
    '',
  );
  lines.push('| # | Run | Target | req/s | p50 | p90 | p99 | max | proxy CPU µs/req | proxy RSS MiB | non-2xx | errors | load 1 min |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  run.measurements.forEach((m, index) => {
    lines.push(
      `| ${index + 1} | ${m.kind === 'max' ? `max, ${m.connections} conn` : `${m.overallRate}/s, ${m.connections} conn`} | ${m.target} | ${fmt(m.reqPerS, 0)} | ${fmt(m.latencyMs.p50)} | ${fmt(m.latencyMs.p90)} | ${fmt(m.latencyMs.p99)} | ${fmt(m.latencyMs.max, 1)} | ${m.target === 'direct' ? '–' : fmt(m.serverCpuUsPerRequest[m.target], 0)} | ${m.target === 'direct' ? '–' : fmt(m.serverRssMiBAfter?.[m.target], 0)} | ${m.non2xx} | ${m.errors + m.timeouts} | ${fmt(m.load1[1])} |`,
    );
  });
  lines.push('');
  lines.push('## Checks', '');
  lines.push(`- All ${TARGETS.length} targets returned the same completion for the benchmark body before the runs (\`${run.checks.completion}\`).`);
  lines.push(
    `- Usage recording: our gateways wrote ${run.checks.usageRows} usage records (outcome success: ${run.checks.usageSuccessRows}); the load generator counted ${run.checks.gateway2xx} 2xx responses from them (warm-up and check requests included). ` +
      `Records ≥ responses is expected: requests still in flight when a run stops are recorded by the gateway but not counted by autocannon.`,
  );
  const usageAt = (kind) => run.measurements.filter((m) => m.kind === kind && m.usageWrites);
  lines.push(
    `- Usage writes (transactions into \`usage_records\`, counted by distinct \`xmin\`): ${run.checks.usageTransactions} in all, ${fmt(run.checks.usageRows / run.checks.usageTransactions, 1)} rows each on average; ` +
      `during the ${o.rate} req/s runs ${fmt(median(usageAt('rate').map((m) => m.usageWrites.perSecond)), 0)} transactions/s of ${fmt(median(usageAt('rate').map((m) => m.usageWrites.rowsPerTransaction)), 1)} rows, ` +
      `during the max-throughput runs ${fmt(median(usageAt('max').map((m) => m.usageWrites.perSecond)), 0)}/s of ${fmt(median(usageAt('max').map((m) => m.usageWrites.rowsPerTransaction)), 1)} rows (medians; the recorder's timer fires every ${o.gatewayEnv.GATEWAY_USAGE_FLUSH_MS ?? 200} ms).`,
  );
  lines.push(
    `- Latencies are each 2xx response's own duration (float ms, \`process.hrtime\`) as reported by autocannon's \`response\` event, percentiles by nearest rank; autocannon's histogram (whole milliseconds, coordinated-omission correction) is not used.`,
  );
  lines.push(
    `- Load generator (autocannon, this process) CPU per request, median of the max-throughput runs: ${fmt(median(run.measurements.filter((m) => m.kind === 'max').map((m) => m.loadGeneratorCpuUsPerRequest)), 0)} µs — it shares the ${run.machine.nproc} CPUs with the servers.`,
  );
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const startedAt = new Date();
  const loadAtStart = os.loadavg();
  log(`load average ${loadAtStart.map((v) => v.toFixed(2)).join(' ')}; ${os.availableParallelism()} CPUs; Node ${process.version}`);
  if (OPTIONS.pin) {
    pinning.enabled = true;
    pinSupportingProcesses('0');
  }
  const dist = snapshotDist();
  const kek = randomBytes(32);
  let database;
  let portkeyVersion;
  try {
    log(`creating database ${DATABASE_NAME}`);
    database = await createBenchDatabase(dist, DATABASE_NAME);
    const simulator = await startSimulator(dist);
    log(`simulator at ${simulator.url}`);
    const apiKey = await seed(database, dist, simulator.url, kek);
    const profileDir = OPTIONS.profile ? path.join(RAW_DIR, 'profiles') : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const sequencer = await startSequencer(database);
    log(`audit sequencer running (pid ${sequencer.record.child.pid})`);
    budgetPids.sequencer = sequencer.record.child.pid;
    const gateway = await startGateway(dist, database, kek, { profileDir });
    log(`ai-commons gateway at ${gateway.url}`);
    const gatewayCore = TARGETS.includes('gateway-core') && !OPTIONS.profile ? await startGateway(dist, database, kek, { withoutAudit: true }) : undefined;
    if (gatewayCore) log(`ai-commons gateway without the audit record at ${gatewayCore.url}`);
    const gatewayMetrics = TARGETS.includes('gateway-metrics') && !OPTIONS.profile ? await startGateway(dist, database, kek, { metrics: true }) : undefined;
    if (gatewayMetrics) log(`ai-commons gateway with metrics at ${gatewayMetrics.url}`);
    const gatewayNoUseCase =
      TARGETS.includes('gateway-no-use-case') && !OPTIONS.profile ? await startGateway(dist, database, kek, { withoutUseCase: true }) : undefined;
    if (gatewayNoUseCase) log(`ai-commons gateway without the use-case lookup at ${gatewayNoUseCase.url}`);
    const otlpSink = TARGETS.includes('gateway-observability') && !OPTIONS.profile ? await startOtlpSink() : undefined;
    const gatewayObservability = otlpSink ? await startGateway(dist, database, kek, { metrics: true, otlpEndpoint: otlpSink.url }) : undefined;
    if (gatewayObservability) log(`ai-commons gateway with metrics and tracing at ${gatewayObservability.url} (spans to ${otlpSink.url})`);
    const portkey = OPTIONS.profile || !TARGETS.includes('portkey') ? undefined : await startPortkey();
    portkeyVersion = portkey?.version;
    if (portkey) log(`Portkey ${portkey.version} at ${portkey.url}`);

    const reference = TARGETS.includes('reference') && !OPTIONS.profile ? await startReferenceProxy(simulator.url) : undefined;
    if (reference) log(`reference proxy at ${reference.url}`);
    const urls = {
      simulator: simulator.url,
      gateway: gateway.url,
      'gateway-core': gatewayCore?.url,
      'gateway-metrics': gatewayMetrics?.url,
      'gateway-no-use-case': gatewayNoUseCase?.url,
      'gateway-observability': gatewayObservability?.url,
      portkey: portkey?.url,
      reference: reference?.url,
    };
    const requests = Object.fromEntries(TARGETS.map((target) => [target, targetRequest(target, urls, apiKey)]));
    const pids = {
      simulator: simulator.record.child.pid,
      gateway: gateway.record.child.pid,
      ...(gatewayCore ? { 'gateway-core': gatewayCore.record.child.pid } : {}),
      ...(gatewayMetrics ? { 'gateway-metrics': gatewayMetrics.record.child.pid } : {}),
      ...(gatewayNoUseCase ? { 'gateway-no-use-case': gatewayNoUseCase.record.child.pid } : {}),
      ...(gatewayObservability ? { 'gateway-observability': gatewayObservability.record.child.pid } : {}),
      ...(portkey ? { portkey: portkey.record.child.pid } : {}),
      ...(reference ? { reference: reference.record.child.pid } : {}),
    };

    if (OPTIONS.profile) {
      const atRate = OPTIONS.profileLoad === 'rate';
      log(`profile: warm-up, then one ${atRate ? `${OPTIONS.rate} req/s` : 'max-throughput'} run through the gateway under --cpu-prof`);
      await cannon(requests.gateway, { connections: OPTIONS.maxConnections, durationS: OPTIONS.warmupS });
      await sleep(1000);
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      const measurement = atRate
        ? await measure('rate', 'gateway', requests.gateway, pids, {
            connections: OPTIONS.rateConnections,
            durationS: OPTIONS.rateDurationS,
            overallRate: OPTIONS.rate,
            paced: OPTIONS.ratePacing === 'paced',
          })
        : await measure('max', 'gateway', requests.gateway, pids, { connections: OPTIONS.maxConnections, durationS: OPTIONS.maxDurationS });
      const toUs = Number(process.hrtime.bigint() / 1000n);
      log(
        `${describe(measurement)}; gateway CPU ${fmt(measurement.serverCpuUsPerRequest.gateway, 0)} µs/request, simulator ${fmt(measurement.serverCpuUsPerRequest.simulator, 0)} µs/request`,
      );
      const before = new Set(readdirSync(profileDir));
      await stopChild(gateway.record);
      const written = readdirSync(profileDir).filter((name) => !before.has(name) && name.endsWith('.cpuprofile'));
      for (const name of written) writeFileSync(path.join(profileDir, `${name}.window.json`), JSON.stringify({ fromUs, toUs }));
      for (const name of written)
        process.stdout.write(`${summariseProfile(path.join(profileDir, name), { fromUs, toUs, requests: measurement.requests2xx })}\n`);
      return;
    }

    const completion = await checkTargets(requests);
    log(`all targets answered: "${completion}"`);
    const gateway2xxBefore = gatewayCore ? 2 : 1; // the check requests
    const warmups = [];
    for (const target of TARGETS) {
      log(`warm-up ${target} (${OPTIONS.warmupS} s, ${OPTIONS.maxConnections} connections)`);
      warmups.push({ target, ...(await cannon(requests[target], { connections: OPTIONS.maxConnections, durationS: OPTIONS.warmupS })).result });
      await sleep(1000);
    }

    const measurements = [];
    const rotated = (rep) => TARGETS.map((_, i) => TARGETS[(i + rep) % TARGETS.length]);
    for (let rep = 0; rep < OPTIONS.repeats && OPTIONS.only !== 'rate'; rep++) {
      for (const target of rotated(rep)) {
        const m = await measure('max', target, requests[target], pids, { connections: OPTIONS.maxConnections, durationS: OPTIONS.maxDurationS });
        m.repetition = rep + 1;
        measurements.push(m);
        log(describe(m));
        await sleep(1000);
      }
    }
    for (let rep = 0; rep < OPTIONS.repeats && OPTIONS.only !== 'max'; rep++) {
      for (const target of rotated(rep)) {
        const m = await measure('rate', target, requests[target], pids, {
          connections: OPTIONS.rateConnections,
          durationS: OPTIONS.rateDurationS,
          overallRate: OPTIONS.rate,
          paced: OPTIONS.ratePacing === 'paced',
        });
        m.repetition = rep + 1;
        measurements.push(m);
        log(describe(m));
        await sleep(1000);
      }
    }

    // Stop the gateways first: they write the usage they still hold, then count what they recorded.
    await stopChild(gateway.record);
    if (gatewayCore) await stopChild(gatewayCore.record);
    if (gatewayMetrics) await stopChild(gatewayMetrics.record);
    if (gatewayNoUseCase) await stopChild(gatewayNoUseCase.record);
    if (gatewayObservability) await stopChild(gatewayObservability.record);
    if (otlpSink) {
      // The traced gateway exported its last spans on the way out: what the receiver got.
      await stopChild(otlpSink.record);
      log(`OTLP receiver: ${otlpSink.record.lines.at(-1)}`);
    }
    // Rows inserted by one transaction share its xmin: distinct xmin = number of usage writes.
    const usage = await withPg(database.superuserUrl, async (client) => {
      const totals = (
        await client.query(
          `select count(*)::int as rows, count(*) filter (where outcome = 'success')::int as success, count(distinct xmin::text)::int as transactions from usage_records`,
        )
      ).rows[0];
      for (const m of measurements.filter((m) => m.target === 'gateway' || m.target === 'gateway-core')) {
        const row = (
          await client.query(
            `select count(*)::int as rows, count(distinct xmin::text)::int as transactions from usage_records where occurred_at between $1 and $2`,
            [m.startedAt, m.finishedAt],
          )
        ).rows[0];
        const seconds = (Date.parse(m.finishedAt) - Date.parse(m.startedAt)) / 1000;
        m.usageWrites = {
          rows: row.rows,
          transactions: row.transactions,
          perSecond: row.transactions / seconds,
          rowsPerTransaction: row.rows / row.transactions,
        };
      }
      return totals;
    });
    const ours = (target) => target.startsWith('gateway');
    const gateway2xx =
      gateway2xxBefore +
      warmups.filter((w) => ours(w.target)).reduce((sum, w) => sum + w['2xx'], 0) +
      measurements.filter((m) => ours(m.target)).reduce((sum, m) => sum + m.requests2xx, 0);

    const run = {
      startedAt: startedAt.toISOString(),
      elapsedS: (Date.now() - startedAt.getTime()) / 1000,
      command: `node test/bench/gateway/gateway-bench.mjs${argv.length ? ` ${argv.join(' ')}` : ''}`,
      options: OPTIONS,
      machine: {
        nproc: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        loadAtStart,
        loadAtEnd: os.loadavg(),
      },
      versions: {
        autocannon: require('autocannon/package.json').version,
        portkey: portkeyVersion,
        commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
      },
      checks: { completion, usageRows: usage.rows, usageSuccessRows: usage.success, usageTransactions: usage.transactions, gateway2xx },
      warmups: warmups.map((w) => ({ target: w.target, requests2xx: w['2xx'], non2xx: w.non2xx, errors: w.errors, reqPerS: w['2xx'] / w.duration })),
      measurements,
    };
    mkdirSync(RAW_DIR, { recursive: true });
    if (OPTIONS.targets || OPTIONS.only) {
      // A quick check covers too little for the report: the lines above are its result.
      log(`quick check (--targets/--only): results.md not written; usage rows ${usage.rows}, gateway 2xx ${gateway2xx}`);
      return;
    }
    run.analysis = summarise(measurements);
    const stamp = run.startedAt.replace(/[:.]/g, '-');
    writeFileSync(path.join(RAW_DIR, `gateway-bench-${stamp}.json`), `${JSON.stringify(run, null, 2)}\n`);
    writeFileSync(OPTIONS.out, renderMarkdown(run));
    log(`wrote ${path.relative(root, OPTIONS.out)} and raw/gateway-bench-${stamp}.json`);
    const goals = run.analysis.goals;
    for (const target of Object.keys(goals).filter((key) => key !== 'allResponses2xx')) {
      const g = goals[target];
      log(
        `${target}: median overhead ${fmt(g.p50Overhead.value)} ms (${g.p50Overhead.met ? 'met' : 'MISSED'}), p99 overhead ${fmt(g.p99Overhead.value)} ms (${g.p99Overhead.met ? 'met' : 'MISSED'}), ` +
          `throughput ${fmt(g.throughputRatio.value)}× Portkey (${g.throughputRatio.met ? 'met' : 'MISSED'})`,
      );
    }
    log(`all 2xx: ${goals.allResponses2xx.met}`);
  } finally {
    await stopAll();
    if (database) await dropBenchDatabase(DATABASE_NAME).catch((error) => log(`could not drop ${DATABASE_NAME}: ${error.message}`));
    rmSync(dist, { recursive: true, force: true });
    if (OPTIONS.pin) pinSupportingProcesses('0,1');
  }
}

/** This process (autocannon runs in it) and PostgreSQL's processes (new backends inherit it) onto `cpus`. */
function pinSupportingProcesses(cpus) {
  const postgres = spawnSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const pid of [String(process.pid), ...postgres]) spawnSync('taskset', ['-a', '-c', '-p', cpus, pid], { stdio: 'ignore' });
  log(`pinned this process and ${postgres.length} PostgreSQL processes to CPU ${cpus}`);
}

function renderOnly(file) {
  const run = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  TARGETS = [...new Set(run.measurements.map((m) => m.target))];
  PROXIES = TARGETS.filter((target) => target !== 'direct');
  run.analysis = summarise(run.measurements);
  writeFileSync(OPTIONS.out, renderMarkdown(run));
  log(`rendered ${path.relative(root, OPTIONS.out)} from ${file}`);
}

(OPTIONS.render ? Promise.resolve().then(() => renderOnly(OPTIONS.render)) : main()).catch((error) => {
  log(`failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
