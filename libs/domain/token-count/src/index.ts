export { countTokens, WORD_PIECE_LENGTH } from './tokenizer';
export { estimateTextTokens, LETTERS_PER_TOKEN, DIGITS_PER_TOKEN } from './text-estimate';
export {
  estimateChatRequest,
  estimateCompletionsRequest,
  estimateEmbeddingsRequest,
  estimateRerankRequest,
  estimateResponsesRequest,
  estimateScoreRequest,
  TOKENS_FOR_REPLY_PRIMING,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  type EstimateCosts,
  type RequestEstimate,
} from './request-estimate';
