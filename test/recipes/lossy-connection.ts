// A ClientConnection that passes everything through to a real one, except that chosen requests
// are sent and applied but answered CONNECTIONLOSS: the "request in flight during a disconnect"
// whose outcome the client cannot know. Recipes must find out what happened and carry on.

import { Client } from '../../src/client/client.ts';
import type { ClientConnection, SessionState, SessionStateListener } from '../../src/client/connection.ts';
import { LocalConnection } from '../../src/client/local-connection.ts';
import { Code } from '../../src/core/errors.ts';
import type { Request } from '../../src/core/requests/request.ts';
import type { PeerId } from '../../src/core/util/ids.ts';
import type { Harness } from '../client/harness.ts';

export type LosePredicate = (request: Request) => boolean;

export function lossy(inner: ClientConnection, lose: LosePredicate): ClientConnection {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'send') {
        return async (cxid: number, request: Request) => {
          const reply = await target.send(cxid, request);
          return lose(request) ? { type: 'error', code: Code.CONNECTIONLOSS } : reply;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A client on peer `id` whose replies to the requests `lose` picks are lost (the requests still land). */
export async function lossyClient(h: Harness, id: PeerId, lose: LosePredicate): Promise<Client> {
  const connection = await h.e.run(LocalConnection.open({ peer: h.e.peer(id), clock: h.e.clock }));
  return new Client(lossy(connection, lose));
}

/** Loses the replies of the first `n` requests that `match` picks. */
export function firstN(n: number, match: LosePredicate): LosePredicate {
  let left = n;
  return (request) => {
    if (left <= 0 || !match(request)) return false;
    left--;
    return true;
  };
}

export interface Outage {
  readonly client: Client;
  /** The connection drops: sends fail CONNECTIONLOSS unsent, watch events are lost, state 'disconnected'. */
  down(): void;
  /** It is back (the session survived): state 'connected'; the events missed meanwhile stay lost. */
  up(): void;
}

/**
 * A client on peer `id` whose connection can be cut and restored by the test, the session staying
 * alive on the ensemble: the worst case of a reconnect, where no missed event is replayed.
 */
export async function outageClient(h: Harness, id: PeerId): Promise<Outage> {
  const inner = await h.e.run(LocalConnection.open({ peer: h.e.peer(id), clock: h.e.clock }));
  let isDown = false;
  const stateListeners = new Set<SessionStateListener>();
  const tell = (state: string): void => {
    for (const l of [...stateListeners]) l(state as SessionState);
  };
  const connection = new Proxy(inner, {
    get(target, prop) {
      switch (prop) {
        case 'state':
          return isDown ? 'disconnected' : target.state;
        case 'send':
          return (cxid: number, request: Request) =>
            isDown ? Promise.resolve({ type: 'error', code: Code.CONNECTIONLOSS }) : target.send(cxid, request);
        case 'onWatch':
          return (listener: Parameters<ClientConnection['onWatch']>[0]) =>
            target.onWatch((event) => {
              if (!isDown) listener(event);
            });
        case 'onState':
          return (listener: SessionStateListener) => {
            stateListeners.add(listener);
            const off = target.onState(listener);
            return () => {
              stateListeners.delete(listener);
              off();
            };
          };
        default: {
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
      }
    },
  }) as ClientConnection;
  return {
    client: new Client(connection),
    down: () => {
      isDown = true;
      tell('disconnected');
    },
    up: () => {
      isDown = false;
      tell('connected');
    },
  };
}
