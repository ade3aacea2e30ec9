import fc from 'fast-check';
import {
  AuditBundle,
  HASH_SIZE,
  HashedEventChunk,
  hashEventLines,
  leafHash,
  privateKeyFromSeed,
  publicKeyOf,
  scanCanonicalEventLine,
  UNSCANNED_LINE,
  verifyBundle,
  VerificationReport,
} from '../src';
import { eventLines, sampleBundle, sampleLog } from './audit-log-fixture';

const signingKey = privateKeyFromSeed(Buffer.alloc(32, 9));
const publicKey = publicKeyOf(signingKey);
const log = sampleLog(signingKey, [3, 9, 4, 17, 1, 6]);

/** events.jsonl as the file holds it, cut into blocks of whole lines at the given line boundaries. */
function hashedChunks(lines: readonly Buffer[], cuts: readonly number[], finalNewline: boolean): HashedEventChunk[] {
  const text = Buffer.concat(lines.flatMap((line, i) => (i < lines.length - 1 || finalNewline ? [line, Buffer.from('\n')] : [line])));
  const offsets = [0];
  for (const line of lines) offsets.push(offsets[offsets.length - 1]! + line.length + 1);
  const boundaries = [...new Set([0, ...cuts.map((cut) => offsets[cut % lines.length]!), text.length])].sort((a, b) => a - b);
  return boundaries.slice(1).map((end, i) => {
    const bytes = text.subarray(boundaries[i]!, end);
    return { bytes, leaves: hashEventLines(bytes) };
  });
}

async function* streamed<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

const withoutTiming = (report: VerificationReport): VerificationReport => ({ ...report, durationMs: 0 });

/** Ways to damage one line: each must give the same verdicts through either path. */
const damages: Record<string, (line: Buffer, choice: number) => Buffer<ArrayBufferLike>> = {
  flipByte: (line, choice) => {
    const copy = Buffer.from(line);
    copy[choice % copy.length]! ^= 1 + (choice % 254);
    return copy;
  },
  reformat: (line) => Buffer.from(line.toString('utf8').replace('{"event":', '{ "event":')),
  empty: () => Buffer.alloc(0),
  notJson: (line) => line.subarray(0, line.length >> 1),
  invalidUtf8: (line) => Buffer.concat([line.subarray(0, 20), Buffer.from([0xff]), line.subarray(20)]),
  carriageReturn: (line) => Buffer.concat([line, Buffer.from('\r')]),
};

describe('hashEventLines', () => {
  it('splits lines as events.jsonl is read and hashes the canonical ones like the fast path', () => {
    const lines = eventLines(sampleBundle(log, publicKey, { scope: 'full' })).slice(0, 5);
    const [first, second] = [Buffer.byteLength(lines[0]!), Buffer.byteLength(lines[1]!)];
    const bytes = Buffer.from(`${lines[0]}\n\n${lines[1]}\nnot json\n${lines[2]}`);
    const leaves = hashEventLines(bytes);
    expect([...leaves.lineEnds]).toEqual([first, first + 1, first + 2 + second, first + 3 + second + 8, bytes.length]);
    expect([...leaves.leafIndexes]).toEqual([0, UNSCANNED_LINE, 1, UNSCANNED_LINE, 2]);
    const third = Buffer.from(lines[2]!);
    const scanned = scanCanonicalEventLine(third)!;
    expect(Buffer.from(leaves.leafHashes.subarray(4 * HASH_SIZE)).equals(leafHash(third.subarray(scanned.eventStart, scanned.eventEnd)))).toBe(true);
    expect(leaves.leafHashes.subarray(HASH_SIZE, 2 * HASH_SIZE).every((byte) => byte === 0)).toBe(true);
  });

  it('reads a trailing newline as the end of the last line and nothing as no lines', () => {
    expect([...hashEventLines(Buffer.from('a\n')).lineEnds]).toEqual([1]);
    expect(hashEventLines(new Uint8Array(0)).lineEnds.length).toBe(0);
  });
});

describe('verifyBundle on hashed chunks', () => {
  it('gives exactly the report of line-by-line verification, genuine or damaged, however the lines are cut', async () => {
    const scenarios = fc.record({
      scope: fc.constantFrom<'full' | 'filtered'>('full', 'filtered'),
      damage: fc.option(fc.tuple(fc.constantFrom(...Object.keys(damages)), fc.nat(), fc.nat()), { nil: undefined }),
      swap: fc.option(fc.nat(), { nil: undefined }),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
      finalNewline: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(scenarios, async ({ scope, damage, swap, cuts, finalNewline }) => {
        const bundle: AuditBundle = sampleBundle(log, publicKey, { scope, institution: 'shinhan' });
        const lines: Buffer<ArrayBufferLike>[] = eventLines(bundle).map((line) => Buffer.from(line));
        if (damage !== undefined) {
          const [kind, lineChoice, choice] = damage;
          const i = lineChoice % lines.length;
          lines[i] = damages[kind]!(lines[i]!, choice);
          fc.pre(!lines[i]!.includes(0x0a));
        }
        if (swap !== undefined && lines.length > 1) {
          const i = swap % (lines.length - 1);
          [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
        }
        // An empty last line is not a line of the file: it would be read as the final newline.
        fc.pre(lines[lines.length - 1]!.length > 0);
        const lineByLine = await verifyBundle({ ...bundle, events: lines }, publicKey);
        const chunked = await verifyBundle({ ...bundle, events: streamed(hashedChunks(lines, cuts, finalNewline)) }, publicKey);
        expect(withoutTiming(chunked)).toEqual(withoutTiming(lineByLine));
      }),
      { numRuns: 150 },
    );
  });

  it('names the line of a changed event in a later chunk', async () => {
    const bundle = sampleBundle(log, publicKey, { scope: 'filtered', institution: 'shinhan' });
    const lines = eventLines(bundle).map((line) => Buffer.from(line));
    const edited = lines.length - 2;
    lines[edited] = Buffer.from(lines[edited]!.toString('utf8').replace('"quota.check"', '"quota.chuck"').replace('"model.invoke"', '"model.invoka"'));
    const report = await verifyBundle({ ...bundle, events: streamed(hashedChunks(lines, [2, 5], true)) }, publicKey);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([expect.objectContaining({ code: 'INCLUSION_PROOF_INVALID', line: edited + 1 })]);
  });
});
