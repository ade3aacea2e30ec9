import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream of server-sent events into whole events (each ending with a blank line).
 * What an event carries (usage, text, `[DONE]`) is read by the call meter (usage/call-meter.ts).
 */
export class SseEventSplitter {
  private pending = '';
  // A chunk may end inside a multi-byte character; the decoder holds the partial bytes back.
  private readonly decoder = new StringDecoder('utf8');

  push(chunk: Buffer): string[] {
    this.pending += this.decoder.write(chunk);
    const events: string[] = [];
    let boundary: number;
    while ((boundary = this.pending.indexOf('\n\n')) !== -1) {
      events.push(this.pending.slice(0, boundary + 2));
      this.pending = this.pending.slice(boundary + 2);
    }
    return events;
  }

  /** What is left when the stream ends (an unterminated last event). */
  rest(): string {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest;
  }
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}
