// Preloaded (`node --expose-gc -r memory-probe.cjs`) into the gateway by memory-bench.mjs: on
// SIGUSR2 it collects garbage and writes the process's memory to BENCH_MEMORY_PROBE_FILE, so the
// heap in use after a full GC can be read from outside without an inspector. Collected twice: the
// first pass runs finalizers and weak callbacks that free more on the second. Written to a
// temporary file and renamed, so the reader never sees half a file. The live handles by type
// (sockets, timers, …) come with it: a count that only grows is a leak the heap may not show.
// When the file `<BENCH_MEMORY_PROBE_FILE>.snapshot` exists, a heap snapshot is written too (after
// the GC, into that file's directory; its name goes in the probe), and the marker removed.
const { existsSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const file = process.env.BENCH_MEMORY_PROBE_FILE;
if (!file) throw new Error('memory-probe.cjs: BENCH_MEMORY_PROBE_FILE is not set');
if (typeof global.gc !== 'function') throw new Error('memory-probe.cjs: start node with --expose-gc');

/** What V8 holds: used, committed, and resident (physical) heap, and its own malloc'd memory (zones). */
function v8Sizes() {
  const heap = v8.getHeapStatistics();
  return { heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size, heapPhysical: heap.total_physical_size, malloced: heap.malloced_memory };
}

process.on('SIGUSR2', () => {
  // Before the collection too: under load, what the heap holds including garbage not yet collected.
  const beforeGc = { rss: process.memoryUsage.rss(), ...v8Sizes() };
  const startedAt = performance.now();
  global.gc();
  global.gc();
  const gcMs = performance.now() - startedAt;
  const resources = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  const heap = v8.getHeapStatistics();
  let snapshot;
  if (existsSync(`${file}.snapshot`)) {
    rmSync(`${file}.snapshot`);
    snapshot = v8.writeHeapSnapshot(path.join(path.dirname(file), `gateway-${process.pid}-${Date.now()}.heapsnapshot`));
  }
  const probe = {
    at: new Date().toISOString(),
    gcMs,
    ...process.memoryUsage(),
    heapPhysical: heap.total_physical_size,
    malloced: heap.malloced_memory,
    peakMalloced: heap.peak_malloced_memory,
    beforeGc,
    // Committed and used size of each V8 space (new, old, code, large objects…): where heapTotal sits.
    spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }])),
    nativeContexts: heap.number_of_native_contexts,
    detachedContexts: heap.number_of_detached_contexts,
    resources,
    snapshot,
  };
  writeFileSync(`${file}.tmp`, JSON.stringify(probe));
  renameSync(`${file}.tmp`, file);
});
