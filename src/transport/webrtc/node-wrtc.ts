// The Node binding of WebRTC for simple-peer's `wrtc` option: node-datachannel's polyfill (about 7x
// the throughput of @roamhq/wrtc, and its bufferedAmount is real, which backpressure needs). Node
// only: a browser uses its global RTCPeerConnection and never loads this file.
// simple-peer expects createOffer/createAnswer to yield plain {type, sdp} objects, so the polyfill's
// RTCPeerConnection is wrapped to copy them.

import * as polyfill from 'node-datachannel/polyfill';
import type { WrtcImplementation } from './connection.ts';

export function nodeWrtc(): WrtcImplementation {
  class PlainSdpPeerConnection extends polyfill.RTCPeerConnection {
    override async createOffer(): Promise<RTCSessionDescriptionInit> {
      const d = await super.createOffer();
      return { type: d.type, sdp: d.sdp ?? '' };
    }
    override async createAnswer(): Promise<RTCSessionDescriptionInit> {
      const d = await super.createAnswer();
      return { type: d.type, sdp: d.sdp ?? '' };
    }
  }
  return {
    RTCPeerConnection: PlainSdpPeerConnection as unknown as typeof RTCPeerConnection,
    RTCSessionDescription: polyfill.RTCSessionDescription as unknown as typeof RTCSessionDescription,
    RTCIceCandidate: polyfill.RTCIceCandidate as unknown as typeof RTCIceCandidate,
  };
}
