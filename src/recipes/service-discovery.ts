// Service discovery (Curator's ServiceDiscovery): a service instance registers itself as an
// ephemeral `<base>/<name>/<id>` holding its JSON description {name, id, address, port, payload},
// so an instance whose session ends is unregistered by itself. Clients query instances once, keep
// a watched ServiceCache of one service (a TreeCache of depth 1), or ask a ServiceProvider for one
// instance chosen by a Picker (round robin or random: the "load balancing").
//
// Registration survives CONNECTIONLOSS like Membership's join (owned-ephemeral.ts: the id makes the
// name deterministic, and our own node found again is success). A session that expires takes its
// registrations along (an expired session never comes back): registeredInstances() lists what to
// register again on a new client's ServiceDiscovery. A stored description that is not a valid
// instance is reported to onError and left out of every answer, never passed on.

import { Code, isKeeperError, KeeperError } from '../core/errors.ts';
import { joinPath, validatePath } from '../core/tree/path.ts';
import { limits } from '../core/util/limits.ts';
import type { Client } from '../client/client.ts';
import { createOwnedEphemeral, deleteIfPresent, setOwnData } from './owned-ephemeral.ts';
import type { Picker } from './pickers.ts';
import { retrying } from './session-wait.ts';
import { TreeCache, type CachedNode } from './tree-cache.ts';

export interface ServiceInstance<P = unknown> {
  readonly name: string;
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly payload?: P;
}

export interface ServiceDiscoveryOptions {
  /** Where services live. Default '/services'. */
  readonly basePath?: string;
  /** Errors with nowhere else to go (an invalid stored instance). Default: dropped. */
  readonly onError?: (error: unknown) => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class ServiceDiscovery {
  readonly basePath: string;
  private readonly onError: (error: unknown) => void;
  private readonly registered = new Map<string, ServiceInstance>();

  constructor(
    private readonly client: Client,
    options: ServiceDiscoveryOptions = {},
  ) {
    this.basePath = options.basePath ?? '/services';
    validatePath(this.basePath);
    this.onError = options.onError ?? (() => undefined);
  }

  /** The instances registered here and not unregistered (to register again after an expiry). */
  registeredInstances(): ServiceInstance[] {
    return [...this.registered.values()];
  }

  /** Registers `instance` (again, with new details, if already ours). */
  async register(instance: ServiceInstance): Promise<void> {
    const path = this.pathOf(instance.name, instance.id);
    const data = encodeInstance(instance);
    await createOwnedEphemeral(this.client, path, data);
    this.registered.set(path, instance);
  }

  /** Replaces the details of an instance registered here. */
  async update(instance: ServiceInstance): Promise<void> {
    const path = this.pathOf(instance.name, instance.id);
    if (!this.registered.has(path)) throw new KeeperError(Code.APIERROR, 'not registered here', path);
    const data = encodeInstance(instance);
    this.registered.set(path, instance);
    await setOwnData(this.client, path, data);
  }

  async unregister(name: string, id: string): Promise<void> {
    const path = this.pathOf(name, id);
    this.registered.delete(path);
    await deleteIfPresent(this.client, path);
  }

  /** The names of every service with a node under the base path. */
  async names(): Promise<string[]> {
    return (await this.childrenOf(this.basePath)).sort();
  }

  /** The valid instances of `name` now, sorted by id (read together: one multiRead per chunk). */
  async instances(name: string): Promise<ServiceInstance[]> {
    const service = this.pathOf(name);
    const paths = (await this.childrenOf(service)).sort().map((id) => joinPath(service, id));
    const out: ServiceInstance[] = [];
    for (let i = 0; i < paths.length; i += limits.multi_ops_max) {
      const chunk = paths.slice(i, i + limits.multi_ops_max);
      const ops = chunk.map((path) => ({ type: 'getData', path, watch: false }) as const);
      const results = await retrying(this.client, limits.recipe_attempts_max, () => this.client.multiRead(ops));
      results.forEach((r, j) => {
        const path = chunk[j] ?? service;
        if (r.type === 'getData') {
          const found = this.decode(path, r.data);
          if (found !== null) out.push(found);
        } else if (r.type === 'error' && r.code !== Code.NONODE) {
          throw new KeeperError(r.code, 'instances', path); // NONODE: it left between the two reads
        }
      });
    }
    return out;
  }

  /** One instance, or null when it is not registered (or its stored description is not valid). */
  async instance(name: string, id: string): Promise<ServiceInstance | null> {
    const path = this.pathOf(name, id);
    try {
      const { data } = await retrying(this.client, limits.recipe_attempts_max, () => this.client.getData(path));
      return this.decode(path, data);
    } catch (e) {
      if (isKeeperError(e, Code.NONODE)) return null;
      throw e;
    }
  }

  /** A watched view of one service's instances (call start()). */
  cache(name: string): ServiceCache {
    return new ServiceCache(this.client, this.pathOf(name), (path, data) => this.decode(path, data), this.onError);
  }

  /** A provider of one instance at a time, chosen by `picker` among the cached instances (call start()). */
  provider(name: string, picker: Picker): ServiceProvider {
    return new ServiceProvider(this.cache(name), picker);
  }

  /** Unregisters every instance registered here. */
  async close(): Promise<void> {
    const paths = [...this.registered.keys()];
    this.registered.clear();
    for (const path of paths) await deleteIfPresent(this.client, path);
  }

  private async childrenOf(path: string): Promise<string[]> {
    try {
      return await retrying(this.client, limits.recipe_attempts_max, () => this.client.getChildren(path));
    } catch (e) {
      if (isKeeperError(e, Code.NONODE)) return [];
      throw e;
    }
  }

  private pathOf(name: string, id?: string): string {
    checkSegment('service name', name);
    const service = joinPath(this.basePath, name);
    if (id === undefined) return service;
    checkSegment('instance id', id);
    const path = joinPath(service, id);
    validatePath(path);
    return path;
  }

  private decode(path: string, data: Uint8Array): ServiceInstance | null {
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(data));
    } catch {
      value = undefined;
    }
    let why = value === undefined ? 'not JSON' : instanceProblem(value);
    if (why === undefined && (value as ServiceInstance).id !== path.slice(path.lastIndexOf('/') + 1)) why = 'its id is not its node name';
    if (why === undefined) return value as ServiceInstance;
    this.onError(new KeeperError(Code.MARSHALLINGERROR, `not a service instance: ${why}`, path));
    return null;
  }
}

export type ServiceCacheEvent = {
  readonly type: 'added' | 'updated' | 'removed';
  readonly instance: ServiceInstance;
  /** Every valid instance after this change, sorted by id. */
  readonly instances: readonly ServiceInstance[];
};

/** One service's instances, kept up to date by watches (through ServiceDiscovery.cache). */
export class ServiceCache {
  private readonly tree: TreeCache;
  private readonly decoded = new Map<string, ServiceInstance>();
  private readonly listeners = new Set<(event: ServiceCacheEvent) => void>();

  constructor(
    client: Client,
    readonly path: string,
    private readonly decode: (path: string, data: Uint8Array) => ServiceInstance | null,
    private readonly onError: (error: unknown) => void,
  ) {
    this.tree = new TreeCache(client, path, { maxDepth: 1, onError });
    this.tree.on((event) => this.apply(event.type, event.node));
  }

  start(): Promise<void> {
    return this.tree.start();
  }

  close(): void {
    this.tree.close();
    this.listeners.clear();
  }

  /** Resolves once every read issued so far has been applied. */
  settled(): Promise<void> {
    return this.tree.settled();
  }

  /** The valid instances, sorted by id. */
  instances(): ServiceInstance[] {
    return [...this.decoded.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, i]) => i);
  }

  on(listener: (event: ServiceCacheEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(type: 'added' | 'updated' | 'removed', node: CachedNode): void {
    if (node.path === this.path) return;
    const before = this.decoded.get(node.path);
    const now = type === 'removed' ? null : this.decode(node.path, node.data);
    if (now === null) this.decoded.delete(node.path);
    else this.decoded.set(node.path, now);
    // An instance whose description turned invalid leaves the view; one that became valid enters it.
    let event: ServiceCacheEvent;
    if (now !== null) event = { type: before === undefined ? 'added' : 'updated', instance: now, instances: this.instances() };
    else if (before !== undefined) event = { type: 'removed', instance: before, instances: this.instances() };
    else return;
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (e) {
        this.onError(e);
      }
    }
  }
}

/** One instance at a time, chosen by a Picker among a ServiceCache's instances. */
export class ServiceProvider {
  constructor(
    readonly cache: ServiceCache,
    private readonly picker: Picker,
  ) {}

  start(): Promise<void> {
    return this.cache.start();
  }

  /** An instance to call now, or undefined when none is registered. */
  getInstance(): ServiceInstance | undefined {
    return this.picker.pick(this.cache.instances());
  }

  getAllInstances(): ServiceInstance[] {
    return this.cache.instances();
  }

  close(): void {
    this.cache.close();
  }
}

function checkSegment(what: string, s: string): void {
  if (typeof s !== 'string' || s.length === 0 || s.includes('/') || s === '.' || s === '..') {
    throw new KeeperError(Code.BADARGUMENTS, `invalid ${what} ${JSON.stringify(s)}`);
  }
}

function instanceProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const v = value as Record<string, unknown>;
  if (typeof v['name'] !== 'string' || typeof v['id'] !== 'string') return 'name and id must be strings';
  if (typeof v['address'] !== 'string' || v['address'].length === 0) return 'address must be a non-empty string';
  const port = v['port'];
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) return 'port must be an integer in [0, 65535]';
  return undefined;
}

function encodeInstance(instance: ServiceInstance): Uint8Array {
  const problem = instanceProblem(instance);
  if (problem !== undefined) throw new KeeperError(Code.BADARGUMENTS, `invalid service instance: ${problem}`);
  const { name, id, address, port, payload } = instance;
  const json = JSON.stringify(payload === undefined ? { name, id, address, port } : { name, id, address, port, payload });
  return encoder.encode(json);
}
