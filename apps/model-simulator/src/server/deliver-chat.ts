import { chatCompletionBody } from '../chat/chat-completion-body';
import type { ChatCompletionPlan } from '../chat/chat-completion-plan';
import { chatStreamEvents } from '../chat/chat-stream-events';
import type { InferenceExchange } from './inference-exchange';

export interface DeliveryTiming {
  readonly ttftMs: number;
  readonly interTokenMs: number;
  /** Data events to send before stalling (0: before the status line), or null to finish normally. */
  readonly stallAfter: number | null;
}

/**
 * A non-streaming completion is answered when a real model would have generated all of it:
 * after ttft + (tokens - 1) * inter-token delay. A stall at N >= 1 sends the status line and
 * headers, never the body.
 */
export function deliverChatCompletion(
  exchange: InferenceExchange,
  plan: ChatCompletionPlan,
  timing: DeliveryTiming,
  render: (plan: ChatCompletionPlan) => string = chatCompletionBody,
): void {
  if (timing.stallAfter === 0) {
    exchange.stall();
    return;
  }
  const generationMs = timing.ttftMs + timing.interTokenMs * (plan.pieces.length - 1);
  exchange.after(generationMs, () => {
    if (timing.stallAfter !== null) {
      exchange.sendHeadersThenStall('application/json');
      return;
    }
    exchange.sendJson(200, render(plan), 'chat');
  });
}

const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

/**
 * Streams the events of chatStreamEvents(): the status line, role chunk and first token at ttft,
 * each further token one inter-token delay later, and the finish/usage/[DONE] events right
 * after the last token.
 */
export function streamChatCompletion(
  exchange: InferenceExchange,
  plan: ChatCompletionPlan,
  includeUsage: boolean,
  timing: DeliveryTiming,
  eventsOf: (plan: ChatCompletionPlan, includeUsage: boolean) => string[] = chatStreamEvents,
): void {
  const stopAt = timing.stallAfter ?? Number.POSITIVE_INFINITY;
  if (stopAt === 0) {
    exchange.stall();
    return;
  }
  const response = exchange.response;
  const events = eventsOf(plan, includeUsage);
  const lastTokenEvent = plan.pieces.length;
  let next = 0;

  // Writes events up to and including `last` as one chunk; false once the stall point is reached.
  const writeThrough = (last: number): boolean => {
    const end = Math.min(last + 1, stopAt);
    if (end > next) {
      let batch = events[next];
      for (let index = next + 1; index < end; index++) batch += events[index];
      response.write(batch);
      next = end;
    }
    return next > last;
  };

  const step = (): void => {
    // The first step sends the role chunk with the first token; the last token carries the tail.
    const token = Math.max(next, 1);
    const last = timing.interTokenMs === 0 || token >= lastTokenEvent ? events.length - 1 : token;
    if (!writeThrough(last)) {
      exchange.stall();
      return;
    }
    if (next < events.length) {
      exchange.after(timing.interTokenMs, step);
      return;
    }
    if (timing.stallAfter !== null) {
      // A stall point past the last event: everything went out, but the response never ends.
      exchange.stall();
      return;
    }
    exchange.completeWith('chatStream');
    response.end();
  };

  exchange.after(timing.ttftMs, () => {
    response.writeHead(200, {
      'content-type': SSE_CONTENT_TYPE,
      'cache-control': 'no-cache',
      'x-request-id': exchange.requestId,
    });
    step();
  });
}
