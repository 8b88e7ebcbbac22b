/** How a new peer connection is tuned (`CallMedia.makePeer`). */
import type { Peer, PeerOptions } from './peer.js';
import { onLinkStats, preferCodecs } from './media-tuning.js';

/**
 * The peer hooks of the weak-network tuning (`media-tuning.ts`), and for a pre-connection the
 * answerer's `sendrecv` (the offer's transceivers come `recvonly`: made sendrecv without a track, so
 * accepting only has to attach one).
 */
export function tuningHooks(tuning: boolean, pre: boolean, peer: () => Peer): Pick<PeerOptions, 'beforeLocalDescription' | 'onStats'> {
  const sendrecv = (pc: RTCPeerConnection) => {
    for (const t of pc.getTransceivers()) if (t.direction === 'recvonly') t.direction = 'sendrecv';
  };
  if (!tuning) return pre ? { beforeLocalDescription: sendrecv } : {};
  return {
    beforeLocalDescription: pre
      ? (pc) => {
          sendrecv(pc);
          preferCodecs(pc);
        }
      : preferCodecs,
    onStats: (entries) => onLinkStats(peer().pc, entries),
  };
}
