/**
 * The part of `janode` (Meetecho's Node adapter for Janus, plain JavaScript) that the SFU module
 * uses, typed from its sources (node_modules/janode/src/{janode,connection,session,handle}.js and
 * plugins/videoroom-plugin.js).
 */
declare module 'janode' {
  import type { EventEmitter } from 'node:events';

  export interface Jsep {
    type: 'offer' | 'answer';
    sdp: string;
  }
  export interface TrickleCandidate {
    candidate: string;
    sdpMid?: string | null;
    sdpMLineIndex?: number | null;
  }

  export interface JanodeHandle extends EventEmitter {
    id: number;
    detach(): Promise<void>;
    trickle(candidate: TrickleCandidate | null): Promise<unknown>;
  }

  export interface JanodeSession extends EventEmitter {
    id: number;
    attach<H extends JanodeHandle>(plugin: PluginDescriptor<H>): Promise<H>;
    destroy(): Promise<void>;
  }

  export interface JanodeConnection extends EventEmitter {
    create(keepAliveS?: number): Promise<JanodeSession>;
    close(): Promise<void>;
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  export interface PluginDescriptor<H extends JanodeHandle> {
    id: string;
    EVENT: Record<string, string>;
  }

  interface Logger {
    setLevel(level: 'debug' | 'verb' | 'info' | 'warn' | 'error' | 'none'): string;
  }

  const Janode: {
    connect(config: {
      is_admin?: boolean;
      address: { url: string; apisecret?: string };
      retry_time_secs?: number;
      max_retries?: number;
    }): Promise<JanodeConnection>;
    EVENT: {
      CONNECTION_CLOSED: string;
      CONNECTION_ERROR: string;
      SESSION_DESTROYED: string;
      HANDLE_DETACHED: string;
      HANDLE_HANGUP: string;
      HANDLE_WEBRTCUP: string;
      HANDLE_ICE_FAILED: string;
      HANDLE_TRICKLE: string;
    };
    Logger: Logger;
  };
  export default Janode;
}

declare module 'janode/plugins/videoroom' {
  import type { JanodeHandle, Jsep, PluginDescriptor } from 'janode';

  export interface SubscriberStream {
    mid: string;
    type: 'audio' | 'video' | 'data';
    feed_id?: number;
    feed_display?: string;
    active?: boolean;
  }

  export interface VideoRoomHandle extends JanodeHandle {
    create(params: {
      room?: number;
      description?: string;
      max_publishers?: number;
      is_private?: boolean;
      secret?: string;
      bitrate?: number;
      fir_freq?: number;
      audiocodec?: string;
      videocodec?: string;
      notify_joining?: boolean;
      permanent?: boolean;
    }): Promise<{ room: number }>;
    destroy(params: { room: number; secret?: string; permanent?: boolean }): Promise<unknown>;
    exists(params: { room: number }): Promise<{ room: number; exists: boolean }>;
    joinConfigurePublisher(params: {
      room: number;
      feed?: number;
      display?: string;
      audio?: boolean;
      video?: boolean;
      bitrate?: number;
      jsep: Jsep;
    }): Promise<{ feed: number; jsep?: Jsep }>;
    configure(params: {
      jsep?: Jsep;
      audio?: boolean;
      video?: boolean;
      restart?: boolean;
      keyframe?: boolean;
      /** Subscribers (multistream): per `mid`, e.g. the simulcast `substream` (0-2) to receive. */
      streams?: { mid: string; substream?: number; temporal?: number; send?: boolean }[];
    }): Promise<{ jsep?: Jsep; streams?: SubscriberStream[] }>;
    joinSubscriber(params: {
      room: number;
      streams: { feed: number; mid?: string }[];
      autoupdate?: boolean;
      use_msid?: boolean;
    }): Promise<{ jsep?: Jsep; streams?: SubscriberStream[] }>;
    update(params: {
      subscribe?: { feed: number }[];
      unsubscribe?: { feed: number }[];
    }): Promise<{ jsep?: Jsep; streams?: SubscriberStream[] }>;
    start(params: { jsep: Jsep }): Promise<unknown>;
    leave(): Promise<unknown>;
  }

  const VideoRoomPlugin: PluginDescriptor<VideoRoomHandle>;
  export default VideoRoomPlugin;
}
