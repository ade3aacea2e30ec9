import { endianness } from 'node:os';
import { SeededRandom } from '../text/seeded-random';
import { StableHasher } from '../text/stable-hash';
import type { EmbeddingInput } from './embedding-request';

/**
 * The unit-length float32 vector of `input` for `model`: `dimension` uniform values in [-1, 1)
 * drawn from a PRNG seeded by hash(model, input), then normalized. Because the draws do not depend
 * on the length, a shorter vector is the longer one truncated and re-normalized, the way
 * text-embedding-3 honours `dimensions`.
 */
export function embeddingVector(model: string, input: EmbeddingInput, dimension: number): Float32Array {
  const hasher = new StableHasher().text(model);
  if (typeof input === 'string') hasher.tag(1).text(input);
  else for (const id of input) hasher.tag(2).integer(id);
  const random = new SeededRandom(hasher.digest());

  const vector = new Float32Array(dimension);
  let squares = 0;
  for (let index = 0; index < dimension; index++) {
    const component = random.nextFloat() * 2 - 1;
    vector[index] = component;
    squares += component * component;
  }
  const norm = Math.sqrt(squares) || 1;
  for (let index = 0; index < dimension; index++) vector[index] /= norm;
  return vector;
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** OpenAI's `encoding_format: "base64"`: the little-endian float32 bytes, base64 encoded. */
export function vectorToBase64(vector: Float32Array): string {
  if (LITTLE_ENDIAN_HOST) return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index], index * 4);
  return bytes.toString('base64');
}
