import type { TokenUsage } from '@ai-commons/gateway-admission';
import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream of server-sent events into whole events (each ending with a blank line).
 * What an event carries (usage, text, `[DONE]`) is read by the call meter (usage/call-meter.ts).
 */
export class SseEventSplitter {
  private pending = '';
  // A chunk may end inside a multi-byte character; the decoder holds the partial bytes back.
  private readonly decoder = new StringDecoder('utf8');
  /** The last chunk ended with CR: an LF starting the next one is the second half of that CRLF. */
  private carriageReturn = false;

  /**
   * The SSE format ends lines with CRLF, LF or CR (WHATWG HTML, "Parsing an event stream"): every
   * line ending is normalised to LF, so an upstream sending CRLF is split — and metered — like any.
   * The events come out with LF line endings (what the caller receives and what is hashed).
   */
  push(chunk: Buffer): string[] {
    this.pending += this.normalised(this.decoder.write(chunk));
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
    const rest = this.pending + this.normalised(this.decoder.end());
    this.pending = '';
    this.carriageReturn = false;
    return rest;
  }

  /** A CR ends a line at once; an LF right after it (in the next chunk too) belongs to it. */
  private normalised(text: string): string {
    if (text === '') return text;
    const input = this.carriageReturn && text.startsWith('\n') ? text.slice(1) : text;
    this.carriageReturn = text.endsWith('\r');
    return input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  }
}

export type { TokenUsage };
