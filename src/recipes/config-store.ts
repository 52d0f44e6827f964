// ConfigStore<T>: a typed JSON value at one path. get() reads it, watch() follows it (through a
// NodeCache: no change lost between the first read and the watch), set() writes it, update(fn)
// changes it with optimistic concurrency (read with its version, setData at that version, again on
// BADVERSION: concurrent updates all land, none overwrites another).
//
// A validation hook (a type guard, or a function answering true / false / a reason) guards both
// ways: a write of an invalid value is refused before anything is sent (BADARGUMENTS), and an
// invalid stored value (not JSON, or refused by the hook) is reported as an InvalidConfigError,
// never handed on as a T.
//
// Connection loss: reads are retried. A write whose reply was lost is looked up before it is
// retried: if the node now holds exactly our bytes at the version our write would have made, the
// write landed. (An identical write by someone else at that very version cannot be told apart; it
// leaves the same value, so set() is unaffected; an update(fn) counts it as its own.)

import { Code, isKeeperError, KeeperError } from '../core/errors.ts';
import { parentOf, validatePath } from '../core/tree/path.ts';
import type { Stat } from '../core/tree/stat.ts';
import { limits } from '../core/util/limits.ts';
import type { Client } from '../client/client.ts';
import { whenConnected } from './retry.ts';
import { NodeCache } from './node-cache.ts';
import { ensurePath } from './sequence.ts';
import { isOutcomeUnknown, retrying } from './session-wait.ts';

/** A type guard, or a check answering true (valid), false or a reason (invalid). */
export type ConfigValidator<T> = ((value: unknown) => value is T) | ((value: unknown) => boolean | string);

export interface ConfigStoreOptions<T> {
  readonly validate?: ConfigValidator<T>;
  /** update(fn) attempts before giving up with BADVERSION. Default limits.recipe_attempts_max. */
  readonly maxAttempts?: number;
}

export interface ConfigValue<T> {
  readonly value: T;
  readonly stat: Stat;
}

/** A value refused by the validation hook, or stored bytes that are not JSON. */
export class InvalidConfigError extends KeeperError {
  constructor(
    path: string,
    readonly reason: string,
    /** True when the value was read from the store, false when it was about to be written. */
    readonly stored: boolean,
  ) {
    super(Code.BADARGUMENTS, `${stored ? 'stored' : 'refused'} config value is invalid: ${reason}`, path);
  }
}

export interface ConfigWatch<T> {
  /** Called with each valid value (undefined while the node does not exist), the current one first. */
  readonly onChange: (value: T | undefined, stat: Stat | null) => void;
  /** Called instead when the stored value is invalid. Default: dropped. */
  readonly onInvalid?: (error: InvalidConfigError) => void;
  readonly onError?: (error: unknown) => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class ConfigStore<T> {
  private readonly maxAttempts: number;

  constructor(
    private readonly client: Client,
    readonly path: string,
    private readonly options: ConfigStoreOptions<T> = {},
  ) {
    validatePath(path);
    this.maxAttempts = options.maxAttempts ?? limits.recipe_attempts_max;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new KeeperError(Code.BADARGUMENTS, `maxAttempts must be a positive integer: ${this.maxAttempts}`, path);
    }
  }

  /** The stored value, or null when there is none; an invalid one rejects with InvalidConfigError. */
  async get(): Promise<ConfigValue<T> | null> {
    const read = await this.read();
    if (read === null) return null;
    return { value: this.parse(read.data), stat: read.stat };
  }

  /**
   * Writes `value` (creating the node and its parents when missing). With `version`, only over that
   * version (BADVERSION otherwise); with -1 or none, over whatever is there. Resolves with the new Stat.
   */
  async set(value: T, version = -1): Promise<Stat> {
    const data = this.encode(value);
    if (version !== -1) {
      const written = await this.write(data, version);
      if (written === undefined) throw new KeeperError(Code.BADVERSION, `the value is not at version ${version}`, this.path);
      return written;
    }
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const exists = (await this.read()) !== null;
      const written = await this.write(data, exists ? -1 : null);
      if (written !== undefined) return written;
    }
    throw new KeeperError(Code.NODEEXISTS, `no write landed in ${this.maxAttempts} attempts`, this.path);
  }

  /**
   * Reads the value, computes `fn(current)` (undefined when there is none) and writes it at the
   * version read; on a concurrent change, reads and computes again. Resolves with the value written.
   * An invalid stored value rejects (fn is not asked to repair what it cannot trust).
   */
  async update(fn: (current: T | undefined) => T): Promise<T> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = await this.read();
      const next = fn(current === null ? undefined : this.parse(current.data));
      const written = await this.write(this.encode(next), current === null ? null : current.stat.version);
      if (written !== undefined) return next;
    }
    throw new KeeperError(Code.BADVERSION, `update lost the race ${this.maxAttempts} times`, this.path);
  }

  /** Follows the value; resolves once the current value has been reported. Returns the stop. */
  async watch(watch: ConfigWatch<T>): Promise<() => void> {
    const cache = new NodeCache(this.client, this.path, watch.onError === undefined ? {} : { onError: watch.onError });
    const report = (): void => {
      const node = cache.current;
      if (node === null) return watch.onChange(undefined, null);
      let value: T;
      try {
        value = this.parse(node.data);
      } catch (e) {
        if (e instanceof InvalidConfigError) return watch.onInvalid?.(e);
        throw e;
      }
      watch.onChange(value, node.stat);
    };
    cache.on(report);
    await cache.start();
    if (cache.current === null) report(); // no node: no 'created' event to report the absence
    return () => cache.close();
  }

  /** data + stat, or null when the node does not exist. */
  private async read(): Promise<{ data: Uint8Array; stat: Stat } | null> {
    try {
      return await retrying(this.client, limits.recipe_attempts_max, () => this.client.getData(this.path));
    } catch (e) {
      if (isKeeperError(e, Code.NONODE)) return null;
      throw e;
    }
  }

  /**
   * Writes `data` over `version` (-1: any; null: create). Resolves with the new Stat, or undefined
   * when someone else got there first (BADVERSION, NODEEXISTS, NONODE): the caller reads again.
   */
  private async write(data: Uint8Array, version: number | null): Promise<Stat | undefined> {
    for (;;) {
      try {
        if (version !== null) return await this.client.setData(this.path, data, version);
        return (await this.client.create2(this.path, data)).stat;
      } catch (e) {
        if (isKeeperError(e, Code.BADVERSION) || isKeeperError(e, Code.NODEEXISTS)) return undefined;
        if (isKeeperError(e, Code.NONODE)) {
          if (version !== null) return undefined; // deleted since we read it
          await ensurePath(this.client, parentOf(this.path)); // only a missing parent fails a create so
          continue;
        }
        if (!isOutcomeUnknown(e)) throw e;
        await whenConnected(this.client);
        const now = await this.read();
        const expected = version === null ? 0 : version === -1 ? now?.stat.version : version + 1;
        if (now !== null && now.stat.version === expected && sameBytes(now.data, data)) return now.stat;
        return undefined; // it did not land (or was overtaken): read and try again
      }
    }
  }

  private encode(value: T): Uint8Array {
    const problem = this.problemOf(value);
    if (problem !== undefined) throw new InvalidConfigError(this.path, problem, false);
    const json = JSON.stringify(value);
    if (json === undefined) throw new InvalidConfigError(this.path, 'not JSON-serializable', false);
    return encoder.encode(json);
  }

  private parse(data: Uint8Array): T {
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(data));
    } catch {
      throw new InvalidConfigError(this.path, 'not JSON', true);
    }
    const problem = this.problemOf(value);
    if (problem !== undefined) throw new InvalidConfigError(this.path, problem, true);
    return value as T;
  }

  private problemOf(value: unknown): string | undefined {
    const validate = this.options.validate;
    if (validate === undefined) return undefined;
    const verdict: unknown = validate(value);
    if (verdict === true) return undefined;
    if (typeof verdict === 'string') return verdict;
    return 'refused by the validation hook';
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
