// One Signaling over several (a tab's BroadcastChannel to tabs of its browser, and the WebSocket server
// to Node peers and other browsers), so that one WebRtcTransport finds every peer. A peer is present
// while any route sees it. An attempt's signals all take one route, the first (in the order given)
// on which the peer was present when the attempt began: a route change midway could deliver a
// candidate before its offer, and the receiver drops signals of an attempt it has not seen. Inbound
// signals from every route are merged. The status is the best of the routes (joined > connecting),
// except that a refusal on any route (a duplicate id) is reported: the id is not ours to use.

import type { PeerId } from '../core/util/ids.ts';
import { SignalingEvents } from '../transport/signaling/signaling-events.ts';
import type { Signaling, SignalingStatus, SignalPayload } from '../transport/signaling/signaling.ts';

export class CombinedSignaling extends SignalingEvents implements Signaling {
  readonly self: PeerId;
  /** peer -> indexes of the routes that see it. */
  private readonly seenOn = new Map<PeerId, Set<number>>();
  /** peer -> the attempt in progress and the route it took. */
  private readonly attemptRoute = new Map<PeerId, { attempt: string; route: number }>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly routes: readonly Signaling[]) {
    super({ state: 'connecting' });
    const first = routes[0];
    if (first === undefined) throw new Error('CombinedSignaling needs at least one route');
    this.self = first.self;
    routes.forEach((route, index) => {
      if (route.self !== this.self) throw new Error('every route must speak for the same peer');
      this.unsubscribe.push(
        route.onSignal((signal) => this.emitSignal(signal)),
        route.onPresence((peer, present) => this.onRoutePresence(index, peer, present)),
        route.onStatus(() => this.refreshStatus()),
      );
    });
    this.refreshStatus();
  }

  /** Each route's status, for a status panel. */
  routeStatuses(): readonly SignalingStatus[] {
    return this.routes.map((r) => r.status());
  }

  send(to: PeerId, payload: SignalPayload): void {
    const seen = this.seenOn.get(to);
    const sticky = this.attemptRoute.get(to);
    let route = sticky?.attempt === payload.attempt ? sticky.route : undefined;
    if (route === undefined || !seen?.has(route)) {
      route = seen === undefined ? undefined : Math.min(...seen);
      if (route === undefined) return; // absent everywhere: dropped, as one route would drop it
      this.attemptRoute.set(to, { attempt: payload.attempt, route });
    }
    this.routes[route]?.send(to, payload);
  }

  refuse(to: PeerId, reason: string): void {
    const seen = this.seenOn.get(to);
    this.routes.forEach((route, index) => {
      if (seen === undefined || seen.has(index)) route.refuse(to, reason);
    });
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.all(this.routes.map((r) => r.close()));
    this.setStatus({ state: 'closed' });
    for (const peer of [...this.present]) this.setPresent(peer, false);
    this.seenOn.clear();
  }

  private onRoutePresence(index: number, peer: PeerId, present: boolean): void {
    let seen = this.seenOn.get(peer);
    if (present) {
      if (!seen) this.seenOn.set(peer, (seen = new Set()));
      seen.add(index);
    } else {
      seen?.delete(index);
      if (seen?.size === 0) this.seenOn.delete(peer);
    }
    this.setPresent(peer, this.seenOn.has(peer));
  }

  private refreshStatus(): void {
    const statuses = this.routes.map((r) => r.status());
    const refused = statuses.find((s) => s.state === 'refused');
    const next: SignalingStatus =
      refused ??
      (statuses.some((s) => s.state === 'joined')
        ? { state: 'joined' }
        : statuses.every((s) => s.state === 'closed')
          ? { state: 'closed' }
          : { state: 'connecting' });
    if (next.state !== this.current.state || next.reason !== this.current.reason) this.setStatus(next);
  }
}
