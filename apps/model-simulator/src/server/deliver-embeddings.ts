import { embeddingBody } from '../embeddings/embedding-body';
import type { EmbeddingRequest } from '../embeddings/embedding-request';
import type { InferenceExchange } from './inference-exchange';

/**
 * Embeddings are answered after ttft. A stall at 0 sends nothing; at N >= 1 the status line and
 * headers go out, the body never does.
 */
export function deliverEmbeddings(exchange: InferenceExchange, request: EmbeddingRequest, dimension: number, ttftMs: number, stallAfter: number | null): void {
  if (stallAfter === 0) {
    exchange.stall();
    return;
  }
  exchange.after(ttftMs, () => {
    if (stallAfter !== null) exchange.sendHeadersThenStall('application/json');
    else exchange.sendJson(200, embeddingBody(request, dimension), 'embeddings');
  });
}
