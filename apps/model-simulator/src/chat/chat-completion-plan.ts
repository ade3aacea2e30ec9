import { completionPieces } from '../text/completion-text';
import type { ChatCompletionRequest } from './chat-request';

export type FinishReason = 'stop' | 'length';

/** What one chat completion will contain, decided before any byte is sent. */
export interface ChatCompletionPlan {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly pieces: readonly string[];
  readonly finishReason: FinishReason;
  readonly usage: TokenUsage;
}

export interface TokenUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/**
 * The completion is `outputTokens` long unless the request caps it lower; a capped completion
 * finishes with "length", as a real model cut off by max_tokens does.
 */
export function planChatCompletion(request: ChatCompletionRequest, outputTokens: number, id: string): ChatCompletionPlan {
  const capped = request.maxTokens !== null && request.maxTokens < outputTokens;
  const completionTokens = capped ? (request.maxTokens as number) : outputTokens;
  return {
    id,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    pieces: completionPieces(request.contentSeed, completionTokens),
    finishReason: capped ? 'length' : 'stop',
    usage: {
      prompt_tokens: request.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: request.promptTokens + completionTokens,
    },
  };
}
