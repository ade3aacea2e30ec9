import { randomBytes } from 'node:crypto';

/** Unique ids without per-request entropy: a random per-process prefix and a counter. */
export class RequestIds {
  private readonly prefix = randomBytes(6).toString('hex');
  private counter = 0;

  next(): string {
    this.counter++;
    return `${this.prefix}${this.counter.toString(36).padStart(8, '0')}`;
  }
}
