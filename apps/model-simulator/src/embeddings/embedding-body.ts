import type { EmbeddingRequest } from './embedding-request';
import { embeddingVector, vectorToBase64 } from './embedding-vector';

/** The `/embeddings` response body, one vector per input in input order. */
export function embeddingBody(request: EmbeddingRequest, dimension: number): string {
  const data = request.inputs.map((input, index) => {
    const vector = embeddingVector(request.model, input, dimension);
    return {
      object: 'embedding',
      index,
      embedding: request.encodingFormat === 'base64' ? vectorToBase64(vector) : Array.from(vector),
    };
  });
  return JSON.stringify({
    object: 'list',
    data,
    model: request.model,
    usage: { prompt_tokens: request.promptTokens, total_tokens: request.promptTokens },
  });
}
