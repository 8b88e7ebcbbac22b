/**
 * Starting the SFU media path of a call (`CallMedia.startSfu`): loads the session (lazy chunk,
 * `sfu-session.ts`), wires its streams to the tiles and publishes our media once.
 */
import { CallMediaType } from '../../constants.js';
import { ErrorCode } from '../../errors.js';
import type { ActiveCall, EngineContext } from './call-model.js';
import type { LocalMedia } from './media.js';

export interface SfuStartHost {
  ctx: EngineContext;
  local: LocalMedia;
  configuration(): RTCConfiguration;
  remoteStream(userId: string, stream: MediaStream | null): void;
  addPeerConnection(pc: RTCPeerConnection): void;
  /** The upload connected: the call begins (the connect gate). */
  onConnected(): void;
  /** The upload never connected: the call ends (`network`). */
  onFatal(): void;
}

export function startSfu(call: ActiveCall, host: SfuStartHost): void {
  const { ctx } = host;
  if (ctx.call !== call || !call.sfu || call.sfuSession || call.phase !== 'connected' || !call.callId) return;
  call.sfuSession = 'loading';
  const callId = call.callId;
  import('./sfu-session.js').then(
    ({ SfuSession }) => {
      if (ctx.call !== call || call.sfuSession !== 'loading') return;
      const session = new SfuSession({
        configuration: host.configuration(),
        send: (data) => ctx.client?.send({ type: 'sfu', callId, data }),
        onStream: (userId, stream) => {
          if (ctx.call !== call || !call.members.has(userId)) return;
          // Mesh -> SFU: this member's mesh connection goes once the SFU carries its media (no
          // null stream in between: the tile swaps streams, it is not emptied).
          const peer = call.peers.get(userId);
          call.peers.delete(userId);
          peer?.close();
          host.remoteStream(userId, stream);
        },
        onGone: (userId) => {
          if (ctx.call === call && !call.peers.has(userId)) host.remoteStream(userId, null);
        },
        onPeerConnection: (pc) => host.addPeerConnection(pc),
        focus: () => ctx.focus,
        tileWidths: () => ctx.tileWidths,
        onError: (message) => ctx.events.emit('onError', { code: ErrorCode.FAILED, message }),
        // An SFU call begins when its upload connects (never connected without a media path), and
        // ends (`network`) when that path never comes; a mesh call switching over has begun already.
        onConnected: () => host.onConnected(),
        onFatal: () => {
          if (!call.beginAt) host.onFatal();
        },
      });
      call.sfuSession = session;
      const local = host.local;
      void session.publish(
        { audio: local.audioTrack, video: local.videoTrack, stream: local.stream },
        call.mediaType === CallMediaType.VIDEO,
      );
      for (const data of call.sfuPending?.splice(0) ?? []) void session.onMessage(data);
    },
    (error: unknown) => {
      if (ctx.call === call) call.sfuSession = undefined;
      ctx.events.emit('onError', { code: ErrorCode.FAILED, message: `cannot load the SFU media path: ${String(error)}` });
    },
  );
}
