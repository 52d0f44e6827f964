// Watch events as an async iterator: pushed by a watch callback, pulled by `for await`. The buffer
// is bounded (limits.watch_stream_events_max): a consumer that falls that far behind gets the
// stream failed with QUOTAEXCEEDED rather than an unbounded queue. finish() ends the stream after
// the buffered events; fail() ends it with an error; return() (a `break` out of the loop) calls the
// stream's own cleanup once.

import { Code, KeeperError } from '../core/errors.ts';
import { limits } from '../core/util/limits.ts';
import type { WatchedEvent } from '../core/watches/events.ts';

export class EventStream implements AsyncIterableIterator<WatchedEvent> {
  private readonly buffer: WatchedEvent[] = [];
  private waiter: { resolve: (r: IteratorResult<WatchedEvent>) => void; reject: (e: unknown) => void } | undefined;
  private done = false;
  private error: unknown;
  private cleanedUp = false;

  constructor(private readonly cleanup: () => void) {}

  push(event: WatchedEvent): void {
    if (this.done) return;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.resolve({ value: event, done: false });
      return;
    }
    if (this.buffer.length >= limits.watch_stream_events_max) {
      this.fail(new KeeperError(Code.QUOTAEXCEEDED, `more than ${limits.watch_stream_events_max} watch events unread`));
      return;
    }
    this.buffer.push(event);
  }

  finish(): void {
    this.end(undefined);
  }

  fail(error: unknown): void {
    this.end(error ?? new Error('watch stream failed'));
  }

  next(): Promise<IteratorResult<WatchedEvent>> {
    const event = this.buffer.shift();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.done) return this.error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<WatchedEvent>> {
    this.buffer.length = 0;
    this.end(undefined);
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<WatchedEvent> {
    return this;
  }

  private end(error: unknown): void {
    if (!this.done) {
      this.done = true;
      this.error = error;
      const waiter = this.waiter;
      this.waiter = undefined;
      if (waiter !== undefined) {
        if (error === undefined) waiter.resolve({ value: undefined, done: true });
        else waiter.reject(error);
      }
    }
    if (!this.cleanedUp) {
      this.cleanedUp = true;
      this.cleanup();
    }
  }
}
