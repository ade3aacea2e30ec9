/**
 * Cancels one proxied call: the caller went away, or the call's total time ran out. Lighter than an
 * AbortController on the request path (no event target, no DOM exception): one reason, one hook.
 */
export class Cancellation {
  private cancelledWith: { reason: unknown } | undefined;
  private hook: ((reason: unknown) => void) | undefined;
  private waiter: { promise: Promise<never>; reject: (error: unknown) => void } | undefined;

  get cancelled(): boolean {
    return this.cancelledWith !== undefined;
  }

  /** Why the call was cancelled (undefined while it is not). */
  get reason(): unknown {
    return this.cancelledWith?.reason;
  }

  cancel(reason: unknown): void {
    if (this.cancelledWith) return;
    this.cancelledWith = { reason };
    const hook = this.hook;
    this.hook = undefined;
    hook?.(reason);
    this.waiter?.reject(errorOf(reason));
  }

  /** Rejects when the call is cancelled (with the reason if it is an error, else CallCancelled): to race a wait against. */
  whenCancelled(): Promise<never> {
    if (this.cancelledWith) return Promise.reject(errorOf(this.cancelledWith.reason));
    if (!this.waiter) {
      let reject!: (error: unknown) => void;
      const promise = new Promise<never>((_resolve, rejectWith) => (reject = rejectWith));
      promise.catch(() => undefined); // nobody may be racing it any more when it fires
      this.waiter = { promise, reject };
    }
    return this.waiter.promise;
  }

  /** What to do on cancellation (at once if already cancelled); replaces the hook set before. */
  onCancel(hook: ((reason: unknown) => void) | undefined): void {
    if (this.cancelledWith && hook) hook(this.cancelledWith.reason);
    else this.hook = hook;
  }
}

/** The error a cancelled upstream call fails with when the reason is not already an error to answer with. */
export class CallCancelled extends Error {
  override readonly name = 'CallCancelled';
}

function errorOf(reason: unknown): Error {
  return reason instanceof Error ? reason : new CallCancelled('cancelled');
}
