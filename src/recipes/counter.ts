// A shared counter by versioned compare-and-set (Curator's DistributedAtomicLong, optimistic mode):
// read the value and the node's version, write value + delta with setData(version); BADVERSION means
// someone wrote in between, so read again and retry. Concurrent increments therefore sum exactly.
// A write whose reply is lost (CONNECTIONLOSS) may have happened: each write carries a tag unique to
// the attempt (`<value>#<tag>`), and after reconnecting the counter reads the node: its own tag at
// version + 1 means the write took effect and must not be repeated.

import { Code, isKeeperError, KeeperError } from '../core/errors.ts';
import { parentOf } from '../core/tree/path.ts';
import type { Client } from '../client/client.ts';
import { newProtectedId } from './protected.ts';
import { loss_retries_max, retryOnLoss, whenConnected } from './retry.ts';
import { ensurePath } from './sequence.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface CounterChange {
  readonly preValue: number;
  readonly postValue: number;
}

interface Read {
  readonly value: number;
  readonly version: number;
}

export class Counter {
  constructor(
    private readonly client: Client,
    readonly path: string,
    /** The value of a counter whose node does not exist yet. */
    readonly initial = 0,
  ) {}

  async get(): Promise<number> {
    return (await this.read()).value;
  }

  increment(): Promise<CounterChange> {
    return this.add(1);
  }

  decrement(): Promise<CounterChange> {
    return this.add(-1);
  }

  /** Adds `delta` atomically (retrying on BADVERSION until its write wins). */
  async add(delta: number): Promise<CounterChange> {
    checkSafe(delta, this.path);
    for (;;) {
      const current = await this.read();
      if (await this.write(current, current.value + delta)) return { preValue: current.value, postValue: current.value + delta };
    }
  }

  /** Sets `next` if the value is `expected` now; false (and no write) when it is not. */
  async compareAndSet(expected: number, next: number): Promise<boolean> {
    checkSafe(next, this.path);
    for (;;) {
      const current = await this.read();
      if (current.value !== expected) return false;
      if (await this.write(current, next)) return true;
    }
  }

  /** One CAS attempt: true if it took effect, false on BADVERSION. */
  private async write(current: Read, next: number): Promise<boolean> {
    checkSafe(next, this.path);
    const tag = newProtectedId();
    const data = encoder.encode(`${next}#${tag}`);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.setData(this.path, data, current.version);
        return true;
      } catch (e) {
        // After a lost reply, BADVERSION may be our own earlier attempt that committed late.
        if (isKeeperError(e, Code.BADVERSION)) return attempt > 0 && (await this.wroteLast(current, tag));
        if (!isKeeperError(e, Code.CONNECTIONLOSS) || attempt >= loss_retries_max) throw e;
      }
      await whenConnected(this.client);
      await retryOnLoss(this.client, () => this.client.sync(this.path));
      const { stat } = await retryOnLoss(this.client, () => this.client.getData(this.path));
      if (stat.version !== current.version) return this.wroteLast(current, tag);
    }
  }

  /** Whether the write right after `current` was the attempt tagged `tag`. */
  private async wroteLast(current: Read, tag: string): Promise<boolean> {
    const { data, stat } = await retryOnLoss(this.client, () => this.client.getData(this.path));
    return stat.version === current.version + 1 && decoder.decode(data).endsWith(`#${tag}`);
  }

  private async read(): Promise<Read> {
    for (;;) {
      try {
        const { data, stat } = await retryOnLoss(this.client, () => this.client.getData(this.path));
        return { value: parseValue(decoder.decode(data), this.path), version: stat.version };
      } catch (e) {
        if (!isKeeperError(e, Code.NONODE)) throw e;
      }
      await ensurePath(this.client, parentOf(this.path));
      try {
        await retryOnLoss(this.client, () => this.client.create(this.path, encoder.encode(String(this.initial))));
      } catch (e) {
        if (!isKeeperError(e, Code.NODEEXISTS)) throw e;
      }
    }
  }
}

function parseValue(text: string, path: string): number {
  const value = Number(text.split('#', 1)[0]);
  if (!Number.isSafeInteger(value)) throw new KeeperError(Code.DATAINCONSISTENCY, `not a counter value: ${JSON.stringify(text.slice(0, 40))}`, path);
  return value;
}

function checkSafe(n: number, path: string): void {
  if (!Number.isSafeInteger(n)) throw new KeeperError(Code.BADARGUMENTS, `counter values are safe integers: ${n}`, path);
}
