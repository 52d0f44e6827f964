import { describe, expect, it } from 'vitest';
import { asPeerId } from '../../src/core/util/ids.ts';
import { browserOffersToNode, lowerIdOffers } from '../../src/transport/webrtc/webrtc-transport.ts';

const p = asPeerId;

describe('who offers on a link', () => {
  it('between two peers the lower id offers, and exactly one side does', () => {
    expect(lowerIdOffers(p(1), p(2))).toBe(true);
    expect(lowerIdOffers(p(2), p(1))).toBe(false);
  });

  it('toward a Node peer the browser offers, whatever the ids', () => {
    const offers = browserOffersToNode([p(1), p(2)]);
    expect(offers(p(5), p(1))).toBe(true); // browser 5 -> node 1
    expect(offers(p(1), p(5))).toBe(false);
    expect(offers(p(1), p(2))).toBe(true); // node-node: lower id
    expect(offers(p(6), p(5))).toBe(false); // browser-browser: lower id
    for (const [a, b] of [[1, 2], [1, 5], [5, 6], [2, 6]] as const) {
      expect(offers(p(a), p(b))).not.toBe(offers(p(b), p(a)));
    }
  });
});
