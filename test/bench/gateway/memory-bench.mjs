// Gateway memory benchmark (issue 18, the Memory target): "RSS under 300 MiB at 1,000 concurrent
// streams; no growth over a 10-minute soak at 500 req/s (heap after the soak within 10 % of after
// warm-up)". One shipped gateway (dist/apps/gateway, the audit record on, metrics and tracing on
// unless --observability off), the model simulator and the audit sequencer, as gateway-bench.mjs
// starts them (bench-setup.mjs), in two phases:
//
//   A. --streams streamed chat completions opened over --stream-ramp-s and held open together (the
//      simulators answer slowly: --stream-ttft-ms, then --stream-tokens tokens --stream-inter-token-ms
//      apart; the endpoint has --replicas of them);
//      the gateway's RSS (/proc VmRSS) sampled every second while they are open and its peak
//      (VmHWM) after; every stream must end 200 with [DONE], its usage chunk and a usage record.
//   B. A fixed --rate (paced, open loop) for --warmup-s, then for --soak-minutes; the gateway's heap
//      in use after a forced full GC (memory-probe.cjs, read on SIGUSR2) after the warm-up and
//      after the soak, both with the load stopped and --settle-s waited out; RSS every --sample-s
//      and the heap under load every --heap-every-s in between.
//
//   node test/bench/gateway/memory-bench.mjs [--soak-minutes 10] [--rate 500] [--connections <rate>]
//        [--warmup-s 60] [--sample-s 10] [--heap-every-s 60] [--settle-s 8]
//        [--streams 1000] [--stream-ramp-s 5] [--replicas 2] [--stream-ttft-ms 2000] [--stream-inter-token-ms 1000] [--stream-tokens 30]
//        [--observability on|off] [--only streams|soak] [--note "…"] [--out test/bench/gateway/memory-results.md]
//        [--heap-snapshots] [--gateway-node-args "--max-old-space-size=256 …"] [--gateway-env K=V,…]
//
// Needs PostgreSQL (BENCH_POSTGRES_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres) and
// a built dist/ (node tools/build.mjs; built when missing). Uses a database of its own, so it can run
// beside gateway-bench.mjs. Writes memory-results.md (and raw/memory-<stamp>.json).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import {
  MODEL,
  RAW_DIR,
  cpuMs,
  createBenchDatabase,
  dropBenchDatabase,
  log,
  procStatusMiB,
  root,
  seed,
  snapshotDist,
  startGateway,
  startOtlpSink,
  startSequencer,
  startSimulator,
  stopAll,
  stopChild,
  withPg,
} from './bench-setup.mjs';
import { PACE_LEAD_MS, pacer } from './pacer.mjs';

const here = import.meta.dirname;
const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined && !argv[index + 1].startsWith('--') ? argv[index + 1] : fallback;
};
const number = (name, fallback, { min = 0 } = {}) => {
  const value = Number(option(name, fallback));
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}`);
  return value;
};
const OPTIONS = {
  streams: number('streams', 1000, { min: 1 }),
  streamTtftMs: number('stream-ttft-ms', 2000),
  streamInterTokenMs: number('stream-inter-token-ms', 1000),
  streamTokens: number('stream-tokens', 30, { min: 1 }),
  // The gateway opens at most 512 connections to one upstream (upstream-client.ts): more streams
  // than that to a single replica wait in the gateway. The endpoint gets this many simulators.
  replicas: number('replicas', 2, { min: 1 }),
  // The streams are opened evenly over this time: 1,000 sent in the same instant met connect failures
  // upstream (most likely the simulators' listen backlog of 511) that opened the replicas' breakers.
  streamRampS: number('stream-ramp-s', 5),
  rate: number('rate', 500, { min: 1 }),
  // Paced as gateway-bench.mjs paces its fixed rate: by default each connection sends once a second.
  connections: number('connections', 0),
  warmupS: number('warmup-s', 60, { min: 1 }),
  soakMinutes: number('soak-minutes', 10, { min: 0.1 }),
  sampleS: number('sample-s', 10, { min: 1 }),
  heapEveryS: number('heap-every-s', 60, { min: 1 }),
  settleS: number('settle-s', 8),
  observability: option('observability', 'on'),
  // Diagnostics (the report says so in bold): more environment and node options for the gateway,
  // e.g. --gateway-env MALLOC_ARENA_MAX=2 or --gateway-node-args "--max-semi-space-size=16".
  gatewayEnv: Object.fromEntries(
    (option('gateway-env', '') || '')
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  ),
  // Its value starts with "--": taken as it is.
  gatewayNodeArgs: (argv.includes('--gateway-node-args') ? (argv[argv.indexOf('--gateway-node-args') + 1] ?? '') : '').split(' ').filter(Boolean),
  only: option('only', undefined),
  note: option('note', ''),
  // A heap snapshot with the heap after warm-up and after the soak (raw/*.heapsnapshot), for
  // heap-snapshot-diff.mjs or the Comparison view of Chrome DevTools.
  heapSnapshots: argv.includes('--heap-snapshots'),
  out: path.resolve(option('out', path.join(here, 'memory-results.md'))),
};
if (!OPTIONS.connections) OPTIONS.connections = OPTIONS.rate;
if (!['on', 'off'].includes(OPTIONS.observability)) throw new Error('--observability is on or off');
if (OPTIONS.only && !['streams', 'soak'].includes(OPTIONS.only)) throw new Error('--only is streams or soak');
const DATABASE_NAME = 'ai_commons_bench_gateway_memory';
const GOALS = { streamRssMiB: 300, heapGrowth: 0.1 };
const SOAK_BODY = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Summarise the credit policy in one sentence.' }], max_tokens: 16 });
const MiB = 2 ** 20;

// ---------------------------------------------------------------------------------------------
// Reading the gateway's memory

/**
 * Heap after a forced full GC, from memory-probe.cjs in the gateway (SIGUSR2 → a JSON file), and a
 * heap snapshot with it when `snapshot` is set.
 */
async function probeHeap(pid, file, label, { snapshot = false } = {}) {
  rmSync(file, { force: true });
  if (snapshot) writeFileSync(`${file}.snapshot`, '');
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + (snapshot ? 300_000 : 30_000);
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the gateway did not answer the memory probe (${label}) in time`);
    await sleep(25);
  }
  const probe = JSON.parse(readFileSync(file, 'utf8'));
  const b = probe.beforeGc;
  log(
    `heap ${label}: before GC heapUsed ${mib(b.heapUsed)} / heapTotal ${mib(b.heapTotal)} / resident ${mib(b.heapPhysical)} MiB, rss ${mib(b.rss)} MiB; ` +
      `after GC (${fmt(probe.gcMs, 0)} ms) heapUsed ${mib(probe.heapUsed)} / heapTotal ${mib(probe.heapTotal)} / resident ${mib(probe.heapPhysical)} MiB, ` +
      `V8 malloc ${mib(probe.malloced)} MiB, external ${mib(probe.external)} MiB, rss ${mib(probe.rss)} MiB; spaces ${Object.entries(probe.spaces)
        .filter(([, space]) => space.size >= MiB)
        .map(([name, space]) => `${name} ${mib(space.used)}/${mib(space.size)}`)
        .join(', ')}${probe.snapshot ? `; heap snapshot ${path.relative(root, probe.snapshot)}` : ''}`,
  );
  return { label, ...probe };
}

const rss = (pid) => procStatusMiB(pid, 'VmRSS');
/** The anonymous part of the RSS (heap, buffers, stacks): what grows with load; the rest is mapped files (code). */
const rssAnon = (pid) => procStatusMiB(pid, 'RssAnon');
const hwm = (pid) => procStatusMiB(pid, 'VmHWM');

// ---------------------------------------------------------------------------------------------
// Phase A: concurrent streams

/** One streamed chat completion over a connection of its own; `finished` resolves when it ends (never rejects). */
function openStream(url, apiKey, requestId, agent) {
  const stream = {
    requestId,
    status: 0,
    sentAt: performance.now(),
    headersAt: NaN,
    firstDataAt: NaN,
    endAt: NaN,
    contentChunks: 0,
    done: false,
    completionTokens: undefined,
    badEvents: 0,
    error: undefined,
    errorCode: undefined,
  };
  const body = JSON.stringify({
    model: MODEL,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: OPTIONS.streamTokens,
    messages: [{ role: 'user', content: `Summarise the credit policy in one sentence (${requestId}).` }],
  });
  stream.finished = new Promise((resolve) => {
    const end = (error) => {
      if (error && !stream.error) stream.error = error.message;
      if (Number.isNaN(stream.endAt)) stream.endAt = performance.now();
      resolve();
    };
    const req = http.request(
      `${url}/v1/chat/completions`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'x-request-id': requestId },
      },
      (res) => {
        stream.status = res.statusCode;
        stream.headersAt = performance.now();
        res.setEncoding('utf8');
        let partial = '';
        res.on('data', (text) => {
          if (Number.isNaN(stream.firstDataAt)) stream.firstDataAt = performance.now();
          // An error answer: its code says which part of the gateway refused.
          if (res.statusCode !== 200) return void (stream.errorCode ??= /"code":"([^"]+)"/.exec(text)?.[1] ?? text.slice(0, 100));
          const lines = (partial + text).split('\n');
          partial = lines.pop();
          for (const line of lines) {
            if (!line.startsWith('data: ')) continue;
            const data = line.slice(6).trim();
            if (data === '[DONE]') {
              stream.done = true;
              continue;
            }
            try {
              const event = JSON.parse(data);
              if (event.usage) stream.completionTokens = event.usage.completion_tokens;
              if (event.choices?.[0]?.delta?.content) stream.contentChunks += 1;
            } catch {
              stream.badEvents += 1;
            }
          }
        });
        res.once('end', () => end());
        res.once('error', end);
        res.once('close', () => end(res.complete ? undefined : new Error('response closed before its end')));
      },
    );
    req.once('error', end);
    req.end(body);
  });
  return stream;
}

/** Requests in flight at the simulators (all replicas), by their own count. */
async function upstreamInFlight(simulators) {
  try {
    const stats = await Promise.all(simulators.map(async (simulator) => (await fetch(`${simulator.url}/_sim/stats`)).json()));
    return stats.reduce((sum, s) => sum + s.inFlight, 0);
  } catch {
    return undefined;
  }
}

async function configureSimulators(simulators, settings) {
  for (const simulator of simulators) {
    const response = await fetch(`${simulator.url}/_sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    if (!response.ok) throw new Error(`simulator settings refused: ${response.status} ${await response.text()}`);
  }
}

async function phaseStreams({ gateway, simulators, apiKey, database, runId, probeFile }) {
  const pid = gateway.record.child.pid;
  const n = OPTIONS.streams;
  await configureSimulators(simulators, { ttftMs: OPTIONS.streamTtftMs, interTokenMs: OPTIONS.streamInterTokenMs, outputTokens: OPTIONS.streamTokens });
  const expectedMs = OPTIONS.streamTtftMs + OPTIONS.streamTokens * OPTIONS.streamInterTokenMs;
  log(
    `phase A: ${n} streams opened over ${OPTIONS.streamRampS} s, each ~${fmt(expectedMs / 1000, 1)} s (first token after ${OPTIONS.streamTtftMs} ms, ${OPTIONS.streamTokens} tokens ${OPTIONS.streamInterTokenMs} ms apart)`,
  );
  const rssBefore = rss(pid);
  // A connection per stream, as 1,000 separate clients would open them.
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const startedAt = performance.now();
  const streams = [];
  const opening = (async () => {
    for (let i = 0; i < n; i++) {
      const due = startedAt + (i * OPTIONS.streamRampS * 1000) / n;
      if (due > performance.now() + 4) await sleep(due - performance.now());
      streams.push(openStream(gateway.url, apiKey, `mem-${runId}-a-${i}`, agent));
    }
  })();
  const samples = [];
  let sampling = true;
  let heapAllOpen;
  const sampler = (async () => {
    while (sampling) {
      const at = performance.now();
      const inFlight = await upstreamInFlight(simulators);
      const sample = {
        t: (at - startedAt) / 1000,
        waiting: n - streams.filter((s) => !Number.isNaN(s.headersAt) || !Number.isNaN(s.endAt)).length,
        open: streams.filter((s) => !Number.isNaN(s.headersAt) && Number.isNaN(s.endAt)).length,
        streaming: streams.filter((s) => !Number.isNaN(s.firstDataAt) && Number.isNaN(s.endAt)).length,
        ended: streams.filter((s) => !Number.isNaN(s.endAt)).length,
        upstreamInFlight: inFlight,
        rssMiB: rss(pid),
        rssAnonMiB: rssAnon(pid),
      };
      samples.push(sample);
      // Once, with every stream open (after that second's RSS is read): the heap they hold.
      if (!heapAllOpen && sample.open === n) heapAllOpen = await probeHeap(pid, probeFile, `all ${n} streams open`);
      await sleep(Math.max(0, 1000 - (performance.now() - at)));
    }
  })();
  await opening;
  await Promise.all(streams.map((s) => s.finished));
  sampling = false;
  await sampler;
  agent.destroy();
  const peakMiB = hwm(pid);
  const rssAfter = rss(pid);

  // Every stream open (response headers relayed) from the last one to open until the first to end.
  const allOpenFrom = Math.max(...streams.map((s) => s.headersAt));
  const allOpenUntil = Math.min(...streams.map((s) => s.endAt));
  const allStreamingFrom = Math.max(...streams.map((s) => s.firstDataAt));
  const window = {
    allOpenS: Number.isFinite(allOpenFrom) && allOpenUntil > allOpenFrom ? (allOpenUntil - allOpenFrom) / 1000 : 0,
    allStreamingS: Number.isFinite(allStreamingFrom) && allOpenUntil > allStreamingFrom ? (allOpenUntil - allStreamingFrom) / 1000 : 0,
    fromS: (allOpenFrom - startedAt) / 1000,
    untilS: (allOpenUntil - startedAt) / 1000,
  };
  const inWindow = samples.filter((s) => s.open === n);
  const statusCounts = {};
  for (const s of streams) {
    const key = s.status === 200 ? '200' : `${s.status || 'no response'}${s.errorCode ? ` ${s.errorCode}` : ''}`;
    statusCounts[key] = (statusCounts[key] ?? 0) + 1;
  }
  const complete = streams.filter((s) => s.status === 200 && s.done && s.completionTokens === OPTIONS.streamTokens && !s.error && !s.badEvents).length;
  // The usage records are written in batches (every 200 ms): wait until all are in, or 15 s.
  const ids = streams.map((s) => s.requestId);
  let usage;
  for (let waited = 0; waited < 15_000; waited += 250) {
    usage = await withPg(database.superuserUrl, async (client) => {
      return (
        await client.query(
          `select count(*)::int as rows,
                  count(*) filter (where outcome = 'success' and http_status = 200 and streamed and completion_tokens = $2)::int as exact
             from usage_records where request_id = any($1)`,
          [ids, OPTIONS.streamTokens],
        )
      ).rows[0];
    });
    if (usage.rows >= n) break;
    await sleep(250);
  }
  const result = {
    streams: n,
    expectedStreamS: expectedMs / 1000,
    elapsedS: (performance.now() - startedAt) / 1000,
    statusCounts,
    complete,
    errors: streams
      .filter((s) => s.error)
      .map((s) => s.error)
      .slice(0, 5),
    usageRows: usage.rows,
    usageExact: usage.exact,
    window,
    peakOpen: Math.max(...samples.map((s) => s.open)),
    peakUpstreamInFlight: Math.max(...samples.map((s) => s.upstreamInFlight ?? 0)),
    heapAllOpen,
    rssBeforeMiB: rssBefore,
    rssMaxAllOpenMiB: inWindow.length ? Math.max(...inWindow.map((s) => s.rssMiB)) : NaN,
    rssMaxSampledMiB: Math.max(...samples.map((s) => s.rssMiB)),
    hwmAfterMiB: peakMiB,
    rssAfterMiB: rssAfter,
    samples,
  };
  log(
    `phase A: ${complete}/${n} complete (status ${JSON.stringify(statusCounts)}), usage records ${usage.exact}/${n} exact; all open together for ${fmt(window.allOpenS, 1)} s ` +
      `(peak open ${result.peakOpen}, upstream in flight ${result.peakUpstreamInFlight}); RSS max with all open ${fmt(result.rssMaxAllOpenMiB, 1)} MiB, VmHWM ${fmt(peakMiB, 1)} MiB`,
  );
  return result;
}

// ---------------------------------------------------------------------------------------------
// Phase B: soak at a fixed rate

/** One paced autocannon run; counts responses as they come (for the samples) and by status. */
function runLoad(url, apiKey, durationS, counter) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/v1/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: SOAK_BODY,
        connections: OPTIONS.connections,
        duration: durationS,
        timeout: 10,
        setupClient: pacer({ connections: OPTIONS.connections, overallRate: OPTIONS.rate }),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, statusCode) => {
      counter.responses += 1;
      counter.statusCounts[statusCode] = (counter.statusCounts[statusCode] ?? 0) + 1;
    });
  });
}

async function phaseSoak({ gateway, apiKey, probeFile }) {
  const pid = gateway.record.child.pid;
  const soakS = Math.round(OPTIONS.soakMinutes * 60);
  const counter = { responses: 0, statusCounts: {} };
  const samples = [];
  const heapUnderLoad = [];
  const startedAt = performance.now();
  let stage = 'warm-up';
  let last = { t: 0, responses: 0 };
  const sample = () => {
    const t = (performance.now() - startedAt) / 1000;
    samples.push({
      t,
      stage,
      responses: counter.responses,
      reqPerS: (counter.responses - last.responses) / (t - last.t || 1),
      rssMiB: rss(pid),
      rssAnonMiB: rssAnon(pid),
      load1: os.loadavg()[0],
    });
    last = { t, responses: counter.responses };
  };
  const sampler = setInterval(sample, OPTIONS.sampleS * 1000);
  const probes = [];
  try {
    log(`phase B: warm-up at ${OPTIONS.rate} req/s for ${OPTIONS.warmupS} s (${OPTIONS.connections} connections, paced)`);
    sample();
    let cpuBefore = cpuMs(pid);
    const warmup = await runLoad(gateway.url, apiKey, OPTIONS.warmupS, counter);
    const warmupCpuMs = cpuMs(pid) - cpuBefore;
    sample(); // the end of the warm-up's load
    stage = 'settle';
    await sleep(OPTIONS.settleS * 1000);
    probes.push(await probeHeap(pid, probeFile, 'after warm-up', { snapshot: OPTIONS.heapSnapshots }));
    stage = 'soak';
    log(`phase B: soak at ${OPTIONS.rate} req/s for ${soakS} s; RSS every ${OPTIONS.sampleS} s, heap every ${OPTIONS.heapEveryS} s`);
    const soakStartedAt = performance.now();
    let probing = Promise.resolve();
    const heapTimer = setInterval(() => {
      probing = probeHeap(pid, probeFile, `under load, ${fmt((performance.now() - soakStartedAt) / 1000, 0)} s into the soak`)
        .then((probe) => heapUnderLoad.push({ t: (performance.now() - startedAt) / 1000, ...probe }))
        .catch((error) => log(`heap probe failed: ${error.message}`));
    }, OPTIONS.heapEveryS * 1000);
    let soak;
    let soakCpuMs;
    try {
      cpuBefore = cpuMs(pid);
      soak = await runLoad(gateway.url, apiKey, soakS, counter);
      soakCpuMs = cpuMs(pid) - cpuBefore;
    } finally {
      clearInterval(heapTimer);
      await probing; // one probe at a time: they share the file
    }
    sample(); // the end of the soak's load
    stage = 'settle';
    await sleep(OPTIONS.settleS * 1000);
    probes.push(await probeHeap(pid, probeFile, 'after the soak', { snapshot: OPTIONS.heapSnapshots }));
    sample();
    const runs = { warmup: summariseRun(warmup, warmupCpuMs), soak: summariseRun(soak, soakCpuMs) };
    const [afterWarmup, afterSoak] = probes;
    return {
      soakS,
      runs,
      statusCounts: counter.statusCounts,
      probes,
      heapUnderLoad,
      heapGrowth: (afterSoak.heapUsed - afterWarmup.heapUsed) / afterWarmup.heapUsed,
      samples,
      hwmAfterMiB: hwm(pid),
    };
  } finally {
    clearInterval(sampler);
  }
}

/** `cpuMs`: the gateway's CPU time during the run (its GC included: young-generation sizing trades it against RSS). */
function summariseRun(result, cpuMs) {
  return {
    durationS: result.duration,
    requests2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    // Paced runs send nothing during the first PACE_LEAD_MS.
    reqPerS: result['2xx'] / (result.duration - PACE_LEAD_MS / 1000),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    // Per response: requests cut off by the client's timeout also cost the gateway CPU.
    gatewayCpuUsPerRequest: (cpuMs * 1000) / (result['2xx'] + result.non2xx + result.timeouts),
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function fmt(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}
const mib = (bytes) => fmt(bytes / MiB, 1);
const yes = (met) => (met ? '**met**' : '**missed**');

function renderMarkdown(run) {
  const o = run.options;
  const a = run.streams;
  const b = run.soak;
  const lines = ['# Gateway memory benchmark results', ''];
  lines.push('Generated by `test/bench/gateway/memory-bench.mjs` — see [README.md](README.md#memory-issue-18) for what is measured and how.', '');
  if (o.note) lines.push(`**${o.note}**`, '');
  lines.push('```sh', run.command, '```', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| Date | ${run.startedAt} (${Math.round(run.elapsedS)} s) |`);
  lines.push(`| Machine | ${run.machine.nproc} CPUs (\`nproc\`), ${run.machine.cpuModel}, ${run.machine.memGiB} GiB; shared with other jobs |`);
  lines.push(
    `| Load average | ${run.machine.loadAtStart.map((v) => v.toFixed(2)).join(' / ')} (1/5/15 min) at start, ${run.machine.loadAtEnd.map((v) => v.toFixed(2)).join(' / ')} at the end |`,
  );
  lines.push(`| Software | Node ${run.machine.node}, autocannon ${run.versions.autocannon}, ai-commons ${run.versions.commit} |`);
  lines.push(
    `| Gateway | \`dist/apps/gateway/src/main.js\` with \`--expose-gc -r memory-probe.cjs\`, NODE_ENV=production, LOG_LEVEL=warn; API key auth, data policy, use-case enforcement, quota, the audit record of every request, usage recording; ` +
      (o.observability === 'on'
        ? 'metrics on (scraped every 5 s) and tracing on (every request, OTLP to a local receiver)'
        : '**metrics and tracing off** (`--observability off`)') +
      '; the audit sequencer in a process of its own' +
      (Object.keys(o.gatewayEnv).length || o.gatewayNodeArgs.length
        ? `; **diagnostic settings: ${[...Object.entries(o.gatewayEnv).map(([k, v]) => `${k}=${v}`), ...o.gatewayNodeArgs].join(' ')}**`
        : '') +
      ' |',
  );
  lines.push('');
  lines.push('## Targets (issue 18, Memory)', '');
  lines.push('| Target | Measured | Result |', '|---|---|---|');
  if (a) {
    const allOpen = a.window.allOpenS > 0;
    lines.push(
      `| RSS under ${GOALS.streamRssMiB} MiB at ${a.streams.toLocaleString('en')} concurrent streams | ` +
        (allOpen
          ? `${fmt(a.rssMaxAllOpenMiB)} MiB at most while all ${a.streams} were open (sampled every second); peak of the process so far (VmHWM) ${fmt(a.hwmAfterMiB)} MiB`
          : `the ${a.streams} streams were **never all open at once** (at most ${a.peakOpen}); VmHWM ${fmt(a.hwmAfterMiB)} MiB`) +
        ` | ${allOpen ? yes(a.hwmAfterMiB < GOALS.streamRssMiB) : '**not measured**'} |`,
    );
  }
  if (b) {
    const [w, s] = b.probes;
    lines.push(
      `| Heap after a ${fmt(b.soakS / 60, 1)}-minute soak at ${o.rate} req/s at most ${GOALS.heapGrowth * 100} % above after warm-up (no growth) | heapUsed after a forced GC: ${mib(w.heapUsed)} → ${mib(s.heapUsed)} MiB (${b.heapGrowth >= 0 ? '+' : ''}${fmt(b.heapGrowth * 100)} %) | ` +
        `${yes(b.heapGrowth <= GOALS.heapGrowth)}${b.soakS < 600 ? ' (a short soak: the target asks for 10 minutes)' : ''} |`,
    );
    lines.push(
      `| (implicit) every soak response 2xx | ${JSON.stringify(b.statusCounts)}; errors ${b.runs.warmup.errors + b.runs.soak.errors}, timeouts ${b.runs.warmup.timeouts + b.runs.soak.timeouts} | ${yes(b.runs.warmup.non2xx + b.runs.soak.non2xx + b.runs.warmup.errors + b.runs.soak.errors + b.runs.warmup.timeouts + b.runs.soak.timeouts === 0)} |`,
    );
    // The target sets no RSS for the soak; shown so that nobody reads the stream row as the whole story.
    const soakRss = b.samples.filter((sample) => sample.stage === 'soak').map((sample) => sample.rssMiB);
    lines.push(
      `| *Context, no target:* RSS during the soak | ${fmt(Math.min(...soakRss))}–${fmt(Math.max(...soakRss))} MiB (VmHWM ${fmt(b.hwmAfterMiB)} MiB); live heap after a GC ${mib(s.heapUsed)} MiB — see the README on V8's heap sizing | |`,
    );
  }
  lines.push('');
  if (a) {
    lines.push(`## Phase A: ${a.streams} concurrent streams`, '');
    lines.push(
      `Each a streamed chat completion (\`stream: true\`, \`stream_options.include_usage\`, \`max_tokens: ${o.streamTokens}\`) on a connection of its own, opened evenly over ${o.streamRampS} s; ` +
        `the simulator sends the first token after ${o.streamTtftMs} ms, then ${o.streamTokens} tokens ${o.streamInterTokenMs} ms apart (~${fmt(a.expectedStreamS)} s per stream). ` +
        `The endpoint has ${o.replicas} replica${o.replicas === 1 ? '' : 's'} (simulators, least-outstanding balancing): the gateway opens at most 512 connections to one upstream, so more streams than that to one replica wait in the gateway. ` +
        `*open*: response headers received, not ended; *streaming*: a first event received; *upstream in flight*: the simulators' own count; *anon*: the anonymous part of the RSS (heap, buffers), the rest being mapped files (code).`,
      '',
    );
    lines.push(
      `- All ${a.streams} open together for **${fmt(a.window.allOpenS)} s** (${fmt(a.window.fromS)}–${fmt(a.window.untilS)} s after the first was sent; all streaming for ${fmt(a.window.allStreamingS)} s); phase took ${fmt(a.elapsedS)} s.`,
    );
    lines.push(
      `- Status: ${JSON.stringify(a.statusCounts)}; complete (200, every token, the usage chunk, \`[DONE]\`): ${a.complete}/${a.streams}.${a.errors.length ? ` Errors: ${a.errors.join('; ')}` : ''}`,
    );
    lines.push(
      `- Usage records: ${a.usageRows} for these requests, ${a.usageExact} with outcome success, status 200, streamed and ${o.streamTokens} completion tokens.`,
    );
    lines.push(
      `- Gateway heap after a forced GC: ${mib(run.idle.heapUsed)} MiB used idle` +
        (a.heapAllOpen
          ? `, ${mib(a.heapAllOpen.heapUsed)} MiB with all ${a.streams} open (${fmt((a.heapAllOpen.heapUsed - run.idle.heapUsed) / a.streams / 1024, 1)} KiB a stream; heapTotal ${mib(a.heapAllOpen.heapTotal)} MiB, external ${mib(a.heapAllOpen.external)} MiB, arrayBuffers ${mib(a.heapAllOpen.arrayBuffers)} MiB).`
          : '; not probed with all open (they never were).'),
    );
    lines.push(
      `- Gateway RSS: ${fmt(a.rssBeforeMiB)} MiB before, ${fmt(a.rssMaxAllOpenMiB)} MiB at most while all were open, ${fmt(a.rssMaxSampledMiB)} MiB at most sampled, VmHWM ${fmt(a.hwmAfterMiB)} MiB, ${fmt(a.rssAfterMiB)} MiB after.`,
      '',
    );
    lines.push('| t (s) | waiting | open | streaming | ended | upstream in flight | gateway RSS MiB | anon MiB |', '|---|---|---|---|---|---|---|---|');
    for (const s of a.samples) {
      lines.push(
        `| ${fmt(s.t)} | ${s.waiting} | ${s.open} | ${s.streaming} | ${s.ended} | ${s.upstreamInFlight ?? '–'} | ${fmt(s.rssMiB)} | ${fmt(s.rssAnonMiB)} |`,
      );
    }
    lines.push('');
  }
  if (b) {
    lines.push(`## Phase B: ${o.rate} req/s, ${o.warmupS} s warm-up then ${fmt(b.soakS / 60, 1)} min soak`, '');
    lines.push(
      `Non-streaming chat completions (\`${SOAK_BODY}\`; simulator ttft 0, inter-token 0), paced over ${o.connections} keep-alive connections (one request every ${fmt(1000 / o.rate, 1)} ms, open loop). ` +
        `Heap: \`process.memoryUsage()\` in the gateway after two \`global.gc()\` (memory-probe.cjs, on SIGUSR2), after the load stopped and ${o.settleS} s passed (usage flush, audit batches, span export).`,
      '',
    );
    lines.push('| Run | s | req/s | 2xx | non-2xx | errors | timeouts | p50 ms | p99 ms | gateway CPU µs/req |', '|---|---|---|---|---|---|---|---|---|---|');
    for (const [name, r] of Object.entries(b.runs)) {
      lines.push(
        `| ${name} | ${r.durationS} | ${fmt(r.reqPerS, 0)} | ${r.requests2xx} | ${r.non2xx} | ${r.errors} | ${r.timeouts} | ${r.latencyP50Ms} | ${r.latencyP99Ms} | ${fmt(r.gatewayCpuUsPerRequest, 0)} |`,
      );
    }
    lines.push('');
    lines.push(
      '| Heap probe | at | heapUsed MiB | heapTotal MiB | external MiB | arrayBuffers MiB | RSS MiB | GC ms | live handles |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const p of [b.probes[0], ...b.heapUnderLoad, b.probes[1]]) {
      const handles = Object.entries(p.resources)
        .map(([type, count]) => `${type} ${count}`)
        .join(', ');
      lines.push(
        `| ${p.label} | ${p.at.slice(11, 19)} | ${mib(p.heapUsed)} | ${mib(p.heapTotal)} | ${mib(p.external)} | ${mib(p.arrayBuffers)} | ${mib(p.rss)} | ${fmt(p.gcMs, 0)} | ${handles} |`,
      );
    }
    lines.push('');
    lines.push(`RSS every ${o.sampleS} s (VmHWM after the soak: ${fmt(b.hwmAfterMiB)} MiB):`, '');
    lines.push('| t (s) | stage | responses | req/s since last | gateway RSS MiB | anon MiB | load 1 min |', '|---|---|---|---|---|---|---|');
    for (const s of b.samples)
      lines.push(`| ${fmt(s.t, 0)} | ${s.stage} | ${s.responses} | ${fmt(s.reqPerS, 0)} | ${fmt(s.rssMiB)} | ${fmt(s.rssAnonMiB)} | ${fmt(s.load1, 2)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const startedAt = new Date();
  const loadAtStart = os.loadavg();
  log(`load average ${loadAtStart.map((v) => v.toFixed(2)).join(' ')}; ${os.availableParallelism()} CPUs; Node ${process.version}`);
  if (OPTIONS.soakMinutes >= 10 && loadAtStart[0] >= 2)
    log(`warning: load average ${loadAtStart[0].toFixed(2)} — the machine is busy; the soak's numbers will say so`);
  const dist = snapshotDist();
  const kek = randomBytes(32);
  const runId = randomBytes(4).toString('hex');
  const probeFile = path.join(RAW_DIR, `memory-probe-${process.pid}.json`);
  let database;
  try {
    log(`creating database ${DATABASE_NAME}`);
    database = await createBenchDatabase(dist, DATABASE_NAME);
    const simulators = await Promise.all(Array.from({ length: OPTIONS.replicas }, () => startSimulator(dist)));
    const apiKey = await seed(database, dist, simulators[0].url, kek);
    // The other replicas: more targets of the same endpoint (least-outstanding balancing, the default).
    await withPg(database.superuserUrl, (client) =>
      client.query(
        `insert into endpoint_targets (tenant_id, endpoint_id, url) select tenant_id, endpoint_id, unnest($2::text[]) from endpoint_targets where url = $1`,
        [simulators[0].url, simulators.slice(1).map((simulator) => simulator.url)],
      ),
    );
    await startSequencer(database);
    const otlpSink = OPTIONS.observability === 'on' ? await startOtlpSink() : undefined;
    const gateway = await startGateway(dist, database, kek, {
      name: 'ai-commons gateway (memory probe)',
      metrics: OPTIONS.observability === 'on',
      otlpEndpoint: otlpSink?.url,
      nodeArgs: ['--expose-gc', ...OPTIONS.gatewayNodeArgs, '-r', path.join(here, 'memory-probe.cjs')],
      env: { ...OPTIONS.gatewayEnv, BENCH_MEMORY_PROBE_FILE: probeFile },
    });
    const pid = gateway.record.child.pid;
    log(`gateway at ${gateway.url} (pid ${pid}), RSS ${fmt(rss(pid))} MiB`);
    const check = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: SOAK_BODY,
    });
    if (check.status !== 200) throw new Error(`the gateway answered ${check.status}: ${(await check.text()).slice(0, 500)}`);
    await check.text();
    const idle = await probeHeap(pid, probeFile, 'idle, after start');

    const streams = OPTIONS.only === 'soak' ? undefined : await phaseStreams({ gateway, simulators, apiKey, database, runId, probeFile });
    await configureSimulators(simulators, { ttftMs: 0, interTokenMs: 0, outputTokens: 16 });
    const soak = OPTIONS.only === 'streams' ? undefined : await phaseSoak({ gateway, apiKey, probeFile });

    await stopChild(gateway.record);
    if (otlpSink) {
      await stopChild(otlpSink.record);
      log(`OTLP receiver: ${otlpSink.record.lines.at(-1)}`);
    }
    const run = {
      startedAt: startedAt.toISOString(),
      elapsedS: (Date.now() - startedAt.getTime()) / 1000,
      // Quoted where a shell needs it (--gateway-node-args "--a --b").
      command: `node test/bench/gateway/memory-bench.mjs${argv.map((arg) => ` ${/[\s"'$]/.test(arg) ? JSON.stringify(arg) : arg}`).join('')}`,
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
        commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
      },
      idle,
      streams,
      soak,
    };
    const stamp = run.startedAt.replace(/[:.]/g, '-');
    mkdirSync(RAW_DIR, { recursive: true });
    writeFileSync(path.join(RAW_DIR, `memory-${stamp}.json`), `${JSON.stringify(run, null, 2)}\n`);
    writeFileSync(OPTIONS.out, renderMarkdown(run));
    process.stdout.write(`${summaryTable(run)}\n`);
    log(`wrote ${path.relative(root, OPTIONS.out)} and raw/memory-${stamp}.json`);
    if (streams && (streams.complete !== streams.streams || streams.usageExact !== streams.streams || streams.window.allOpenS <= 0)) process.exitCode = 1;
  } finally {
    await stopAll();
    if (database) await dropBenchDatabase(DATABASE_NAME).catch((error) => log(`could not drop ${DATABASE_NAME}: ${error.message}`));
    rmSync(dist, { recursive: true, force: true });
    rmSync(probeFile, { force: true });
    rmSync(`${probeFile}.snapshot`, { force: true });
  }
}

/** The results in a few lines for the terminal. */
function summaryTable(run) {
  const rows = [['measure', 'value']];
  const { streams: a, soak: b } = run;
  rows.push(['gateway RSS idle (MiB)', fmt(run.idle.rss / MiB)]);
  if (a) {
    rows.push([`streams complete / usage exact`, `${a.complete} / ${a.usageExact} of ${a.streams}`]);
    rows.push(['all open together (s)', fmt(a.window.allOpenS)]);
    rows.push(['peak upstream in flight', String(a.peakUpstreamInFlight)]);
    rows.push([`RSS max, all ${a.streams} open (MiB)`, fmt(a.rssMaxAllOpenMiB)]);
    rows.push(['VmHWM after phase A (MiB)', fmt(a.hwmAfterMiB)]);
  }
  if (b) {
    rows.push([
      `soak ${fmt(b.soakS / 60, 1)} min at ${run.options.rate} req/s: req/s, non-2xx`,
      `${fmt(b.runs.soak.reqPerS, 0)}, ${b.runs.soak.non2xx + b.runs.soak.errors + b.runs.soak.timeouts}`,
    ]);
    rows.push(['heapUsed after warm-up (MiB)', mib(b.probes[0].heapUsed)]);
    rows.push(['heapUsed after soak (MiB)', mib(b.probes[1].heapUsed)]);
    rows.push(['heap growth', `${fmt(b.heapGrowth * 100)} %`]);
    rows.push(['RSS after soak (MiB)', fmt(b.samples.at(-1).rssMiB)]);
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

main().catch((error) => {
  log(`failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
