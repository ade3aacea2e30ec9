import fc from 'fast-check';
import { deadLetterOf, isRecordRefusal, writeIsolatingRefusals } from './refused-records';

const refusal = (value: number) => Object.assign(new Error(`value ${value} out of range for type integer`), { code: '22003' });
const connectionLost = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined });

/** A database that refuses any batch holding a value above the int4 range, like PostgreSQL does. */
function int4Store(written: number[][] = []) {
  return async (batch: number[]) => {
    const bad = batch.find((value) => value > 2_147_483_647);
    if (bad !== undefined) throw refusal(bad);
    written.push(batch);
  };
}

describe('isRecordRefusal', () => {
  it.each([
    ['22003', true],
    ['23514', true],
    ['22P05', true],
    ['23505', true],
    ['08006', false],
    ['57014', false],
    ['40001', false],
    ['53300', false],
    [undefined, false],
  ])('SQLSTATE %s → %s', (code, expected) => {
    expect(isRecordRefusal(Object.assign(new Error('x'), { code }))).toBe(expected);
  });

  it('reads the code TypeORM wraps in driverError', () => {
    expect(isRecordRefusal({ message: 'x', driverError: { code: '22003' } })).toBe(true);
  });
});

describe('writeIsolatingRefusals', () => {
  it('writes every record except the refused ones, which come back alone with their error', async () => {
    const written: number[][] = [];
    const result = await writeIsolatingRefusals([1, 2, 3_000_000_000, 4, 5], int4Store(written));
    expect(result.written.sort()).toEqual([1, 2, 4, 5]);
    expect(result.refused).toEqual([{ record: 3_000_000_000, error: expect.objectContaining({ code: '22003' }) }]);
    expect(result.unwritten).toEqual([]);
    expect(written.flat().sort()).toEqual([1, 2, 4, 5]);
  });

  it('never loses nor duplicates a record, and needs O(r log n) writes', async () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.constant(3_000_000_000));
    await fc.assert(
      fc.asyncProperty(fc.array(value, { maxLength: 200 }), async (records) => {
        let writes = 0;
        const store = int4Store();
        const result = await writeIsolatingRefusals(records, (batch) => (writes++, store(batch)));
        const refused = result.refused.map(({ record }) => record);
        expect([...result.written, ...refused].sort()).toEqual([...records].sort());
        expect(refused.every((record) => record > 2_147_483_647)).toBe(true);
        expect(result.written.every((record) => record <= 2_147_483_647)).toBe(true);
        const r = refused.length;
        expect(writes).toBeLessThanOrEqual(2 * r * Math.ceil(Math.log2(Math.max(2, records.length))) + 1);
      }),
    );
  });

  it('stops at a failure that is not a refusal and hands back the rest in order, for a retry', async () => {
    let calls = 0;
    const result = await writeIsolatingRefusals([1, 3_000_000_000, 2, 3], async () => {
      calls++;
      if (calls === 1) throw refusal(3_000_000_000); // the whole batch
      if (calls === 2) return; // [1, 3e9] half: pretend written
      throw connectionLost(); // [2, 3]
    });
    expect(result.written).toEqual([1, 3_000_000_000]);
    expect(result.unwritten).toEqual([2, 3]);
    expect(result.error).toMatchObject({ message: 'Connection terminated unexpectedly' });
  });
});

describe('deadLetterOf', () => {
  it('keeps the whole record as JSON text, even one jsonb would refuse, and only a well-formed tenant id', () => {
    const record = { tenantId: 'not-a-uuid', text: 'nul\u0000byte', promptTokens: 3_000_000_000 };
    const letter = deadLetterOf('usage', record.tenantId, record, refusal(3_000_000_000));
    expect(JSON.parse(letter.record)).toEqual(record);
    expect(letter).toMatchObject({ writer: 'usage', tenantId: null, errorCode: '22003', errorDetail: 'value 3000000000 out of range for type integer' });
    expect(deadLetterOf('audit', '0b7c8f1e-54a5-4c3e-9a59-1f0d4f6f2a11', {}, new Error('x')).tenantId).toBe('0b7c8f1e-54a5-4c3e-9a59-1f0d4f6f2a11');
  });
});
