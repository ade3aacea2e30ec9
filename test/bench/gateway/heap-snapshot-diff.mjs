// What grew between two heap snapshots (memory-bench.mjs --heap-snapshots writes one after the
// warm-up and one after the soak): live objects counted by type and constructor name, largest count
// growth first. A per-request leak shows as a count that grew by about the requests in between,
// however small each object is — far clearer than the heap's total size.
//   node --max-old-space-size=4096 test/bench/gateway/heap-snapshot-diff.mjs <before.heapsnapshot> <after.heapsnapshot> [--top 30]
import { readFileSync } from 'node:fs';

const [beforeFile, afterFile] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const topAt = process.argv.indexOf('--top');
const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 30;
if (!beforeFile || !afterFile) throw new Error('usage: heap-snapshot-diff.mjs <before.heapsnapshot> <after.heapsnapshot> [--top 30]');

/** Count and self size of the snapshot's nodes by "type name" (e.g. "object Socket", "closure onClose"). */
function census(file) {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[fields.indexOf('type')];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const byKey = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]];
    // Strings and numbers are named by their value: grouped by type only.
    const name = ['string', 'concatenated string', 'sliced string', 'number', 'code', 'hidden'].includes(type) ? '' : strings[nodes[i + nameAt]];
    const key = `${type} ${name.length > 80 ? `${name.slice(0, 77)}…` : name}`;
    const entry = byKey.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += nodes[i + sizeAt];
    byKey.set(key, entry);
  }
  return byKey;
}

const before = census(beforeFile);
const after = census(afterFile);
const rows = [...new Set([...before.keys(), ...after.keys()])].map((key) => {
  const a = before.get(key) ?? { count: 0, bytes: 0 };
  const b = after.get(key) ?? { count: 0, bytes: 0 };
  return { key, count: b.count, countDelta: b.count - a.count, bytesDelta: b.bytes - a.bytes };
});
const total = (census) =>
  [...census.values()].reduce((sum, entry) => ({ count: sum.count + entry.count, bytes: sum.bytes + entry.bytes }), { count: 0, bytes: 0 });
const [ta, tb] = [total(before), total(after)];
console.log(
  `objects ${ta.count} → ${tb.count} (${tb.count - ta.count >= 0 ? '+' : ''}${tb.count - ta.count}); self size ${(ta.bytes / 2 ** 20).toFixed(1)} → ${(tb.bytes / 2 ** 20).toFixed(1)} MiB`,
);
console.log('\ncount Δ   bytes Δ      count  type and name (largest count growth first)');
for (const row of rows.sort((x, y) => y.countDelta - x.countDelta).slice(0, top)) {
  console.log(`${String(row.countDelta).padStart(7)}  ${String(row.bytesDelta).padStart(9)}  ${String(row.count).padStart(9)}  ${row.key}`);
}
