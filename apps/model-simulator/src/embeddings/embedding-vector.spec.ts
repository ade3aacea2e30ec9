import fc from 'fast-check';
import { embeddingVector, vectorToBase64 } from './embedding-vector';

const inputs = fc.oneof(fc.string({ minLength: 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }));

function norm(vector: Float32Array): number {
  let squares = 0;
  for (const value of vector) squares += value * value;
  return Math.sqrt(squares);
}

describe('embeddingVector', () => {
  it('is a deterministic unit vector of the requested length', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 1, max: 512 }), (input, dimension) => {
        const vector = embeddingVector('text-embedding-3-small', input, dimension);
        expect(vector).toHaveLength(dimension);
        expect(norm(vector)).toBeCloseTo(1, 5);
        expect(embeddingVector('text-embedding-3-small', input, dimension)).toEqual(vector);
      }),
    );
  });

  it('shortens by truncating and re-normalizing the longer vector', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 64 }), (input, short, extra) => {
        const longer = embeddingVector('m', input, short + extra).subarray(0, short);
        const scale = norm(longer);
        embeddingVector('m', input, short).forEach((value, index) => expect(value).toBeCloseTo(longer[index] / scale, 5));
      }),
    );
  });

  it('depends on the model, the text, and whether the input is text or token ids', () => {
    const reference = embeddingVector('a', 'risk', 16);
    expect(embeddingVector('b', 'risk', 16)).not.toEqual(reference);
    expect(embeddingVector('a', 'Risk', 16)).not.toEqual(reference);
    expect(embeddingVector('a', '1', 16)).not.toEqual(embeddingVector('a', [1], 16));
  });

  it('encodes base64 as little-endian float32, the way the openai client decodes it', () => {
    const vector = embeddingVector('m', 'ledger', 7);
    const bytes = Buffer.from(vectorToBase64(vector), 'base64');
    expect(bytes).toHaveLength(28);
    const decoded = Array.from({ length: 7 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toEqual(Array.from(vector));
  });
});
