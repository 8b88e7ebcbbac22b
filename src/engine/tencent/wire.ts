/**
 * TUICallKit's "v2" call signaling, as carried by `@tencentcloud/chat`'s built-in signaling.
 *
 * Two layers (reference/tuicallkit-web.md §4.3):
 * - the **envelope**: the chat SDK's own signaling record, `JSON.stringify`'d into a custom
 *   message's `payload.data`: `{ businessID: 1, inviteID, groupID, inviter, inviteeList, data,
 *   actionType: 1 invite | 2 cancel | 3 accept | 4 reject | 5 timeout, timeout }`. The SDK builds
 *   and reads it; we only parse it (fixtures, chat history rendering) and build it (test doubles).
 * - the **call payload**: the string in the envelope's `data`, built by TUICallEngine:
 *   `{ version: 4, businessID: 'av_call', call_type: 1|2, room_id, call_end, platform, userData?,
 *   data: { cmd, room_id, str_room_id, inviter, userIDs, message, excludeFromHistoryMessage? } }`,
 *   plus `line_busy` on a busy reject.
 *
 * Parsing is total: any input (foreign business ids, garbage, other platforms' older shapes)
 * yields `null` or a typed result, never an exception.
 */
import { CallMediaType } from '../../constants.js';

export const AV_CALL_BUSINESS_ID = 'av_call';
export const PAYLOAD_VERSION = 4;
/** What this kit sends as `platform` (TUICallEngine 3.3.4 sends its OS name; nothing reads it). */
export const PLATFORM_WEB = 'web';
/** The chat signaling envelope's own business id. */
export const SIGNALING_BUSINESS_ID = 1;
/** Highest room id TUICallKit generates (`MAX_NUMBER_ROOM_ID`). */
export const MAX_ROOM_ID = 2147483647;
/** The value TUICallKit puts in `line_busy` (any value, even `''`, marks a busy reject). */
export const LINE_BUSY = 'line_busy';
/** The `data.message` TUICallKit puts on a busy reject: the only busy marker TUICallEngine 3.3.4 reads. */
export const LINE_BUSY_MESSAGE = 'lineBusy';
/** TUICallEngine's marker (outer key and value) on a switch-to-audio request. */
export const SWITCH_TO_AUDIO_MARKER = 'switch_to_audio_call';

/** The commands this kit sends. */
export type V2Cmd = 'videoCall' | 'audioCall' | 'hangup' | 'switchToAudio';
/** A TRTC room id: a number (1..4294967294) or a string room. */
export type RoomId = number | string;

export const ActionType = { INVITE: 1, CANCEL: 2, ACCEPT: 3, REJECT: 4, TIMEOUT: 5 } as const;
export type ActionType = (typeof ActionType)[keyof typeof ActionType];

/** The inner `data` object of a call payload. */
export interface V2CallData {
  cmd: string;
  room_id: number;
  str_room_id: string;
  inviter: string;
  userIDs: string[];
  message: string;
  excludeFromHistoryMessage?: boolean;
  /** The call's id (its first invitation's `inviteID`) in invitations added later (`inviteUser`). */
  initialCallId?: string;
}

/** A call payload as this kit sends it. */
export interface V2CallPayload {
  version: number;
  businessID: typeof AV_CALL_BUSINESS_ID;
  call_type: 1 | 2;
  room_id: number;
  call_end: number;
  platform: string;
  userData?: string;
  line_busy?: string;
  /** TUICallEngine's marker on a switch-to-audio request. */
  switch_to_audio_call?: string;
  data: V2CallData;
}

export interface BuildPayloadOptions {
  cmd: V2Cmd;
  mediaType: CallMediaType;
  room: RoomId;
  inviter: string;
  /** The invitees (TUICallKit: everyone invited but the inviter). */
  userIDs: readonly string[];
  /** Call duration in seconds (hangup). */
  callEnd?: number;
  userData?: string;
  /** A busy reject: `line_busy: 'line_busy'` and `data.message: 'lineBusy'`. */
  lineBusy?: boolean;
  /** A switch-to-audio request: TUICallEngine's `switch_to_audio_call` marker. */
  switchMarker?: boolean;
  /** Sets `data.excludeFromHistoryMessage` (chat then keeps the message out of unread counts). */
  excludeFromHistory?: boolean;
  message?: string;
  /**
   * The call's id when this invitation is not the call's first (`inviteUser`): a field name of
   * TUICallEngine (`initialCallId`); its place in the payload is not visible there, so it is
   * written in `data` and read from `data` or the outer object.
   */
  initialCallId?: string;
}

/** The `cmd` that starts a call of this media type. */
export function callCmd(mediaType: CallMediaType): 'videoCall' | 'audioCall' {
  return mediaType === CallMediaType.VIDEO ? 'videoCall' : 'audioCall';
}

/** Builds a call payload object (see {@link encodeCallPayload} for the string). */
export function buildCallPayload(o: BuildPayloadOptions): V2CallPayload {
  const numeric = typeof o.room === 'number';
  const roomNumber = numeric ? (o.room as number) : 0;
  const data: V2CallData = {
    cmd: o.cmd,
    room_id: roomNumber,
    str_room_id: numeric ? '' : String(o.room),
    inviter: o.inviter,
    userIDs: [...o.userIDs],
    message: o.lineBusy ? LINE_BUSY_MESSAGE : (o.message ?? ''),
  };
  if (o.excludeFromHistory) data.excludeFromHistoryMessage = true;
  if (o.initialCallId) data.initialCallId = o.initialCallId;
  // Key order is irrelevant to every receiver (TUICallEngine 3.3.4 itself writes the keys sorted,
  // with a trailing newline, and its OS name as `platform`: no receiver reads either).
  return {
    version: PAYLOAD_VERSION,
    businessID: AV_CALL_BUSINESS_ID,
    call_type: o.mediaType === CallMediaType.VIDEO ? 2 : 1,
    room_id: roomNumber,
    call_end: Math.max(0, Math.round(o.callEnd ?? 0)),
    platform: PLATFORM_WEB,
    ...(o.userData !== undefined ? { userData: o.userData } : {}),
    ...(o.lineBusy ? { line_busy: LINE_BUSY } : {}),
    ...(o.switchMarker ? { switch_to_audio_call: SWITCH_TO_AUDIO_MARKER } : {}),
    data,
  };
}

/** The string to pass as `data` to chat's `invite` / `inviteInGroup` / `accept` / `reject` / `cancel`. */
export function encodeCallPayload(o: BuildPayloadOptions): string {
  return JSON.stringify(buildCallPayload(o));
}

/** What a received call payload means. */
export type CallPayloadKind = 'call' | 'hangup' | 'switchToAudio' | 'switchToVideo' | 'lineBusy' | 'unknown';

export interface ParsedCallPayload {
  kind: CallPayloadKind;
  /** The raw `data.cmd` ('' when absent). */
  cmd: string;
  /** From `call_type`, else from the cmd; `UNKNOWN` (0) when neither says. */
  mediaType: CallMediaType;
  /** Numeric room, string room, or null when the payload names none. */
  room: RoomId | null;
  inviter: string | null;
  userIDs: string[];
  /** Call duration in seconds on a hangup (0 otherwise). */
  callEnd: number;
  /** `line_busy` present (even `''`), `data.message === 'lineBusy'`, or a `lineBusy` cmd. */
  lineBusy: boolean;
  /** 'web', 'android', 'iOS', ... ('' when absent). */
  platform: string;
  version: number;
  userData?: string;
  message: string;
  /** The id of the call this invitation joins (`initialCallId`), when it is not the call's first. */
  initialCallId?: string;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

/** Accepts an object or a JSON string of one. */
function toObject(input: unknown): Json | null {
  if (typeof input === 'string') {
    if (input.length > 1_000_000) return null;
    try {
      return asObject(JSON.parse(input));
    } catch {
      return null;
    }
  }
  return asObject(input);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A finite number, or a string holding one ("12345"); else null. */
function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** A usable numeric TRTC room id (TRTC accepts 1..4294967294). */
function roomNumber(value: unknown): number | null {
  const n = num(value);
  return n !== null && Number.isInteger(n) && n >= 1 && n <= 4294967294 ? n : null;
}

function readRoom(outer: Json, inner: Json | null): RoomId | null {
  // The native engine's own shape: room_id: { int_room_id, str_room_id }.
  for (const holder of [inner, outer]) {
    const nested = asObject(holder?.room_id);
    if (nested) {
      const s = str(nested.str_room_id);
      const n = roomNumber(nested.int_room_id);
      if (n !== null) return n;
      if (s) return s;
    }
  }
  const strRoom = str(inner?.str_room_id) || str(outer.str_room_id);
  const n = roomNumber(inner?.room_id) ?? roomNumber(outer.room_id);
  if (n !== null) return n;
  if (strRoom) return strRoom;
  // A room id given as a non-numeric string in room_id.
  const s = str(inner?.room_id) || str(outer.room_id);
  return s && s.trim() ? s : null;
}

function kindOf(cmd: string, outer: Json, inner: Json | null, mediaType: CallMediaType, callEnd: number): CallPayloadKind {
  switch (cmd) {
    case 'videoCall':
    case 'audioCall':
      return 'call';
    case 'hangup':
      return 'hangup';
    case 'switchToAudio':
    case 'switch_to_audio_call':
      return 'switchToAudio';
    case 'switchToVideo':
      return 'switchToVideo';
    case 'lineBusy':
    case 'line_busy':
      return 'lineBusy';
    case '':
      break;
    default:
      return 'unknown';
  }
  // Older payloads without data.cmd.
  if ('switch_to_audio_call' in outer || (inner && 'switch_to_audio_call' in inner)) return 'switchToAudio';
  if (callEnd > 0) return 'hangup';
  if (mediaType !== CallMediaType.UNKNOWN) return 'call';
  return 'unknown';
}

/**
 * Reads a call payload (the envelope's `data`, as a string or already parsed). Returns null for
 * anything that is not a TUICallKit call payload (`businessID !== 'av_call'`, not JSON, ...).
 */
export function parseCallPayload(input: unknown): ParsedCallPayload | null {
  const outer = toObject(input);
  if (!outer || outer.businessID !== AV_CALL_BUSINESS_ID) return null;
  const inner = asObject(outer.data) ?? toObject(outer.data);
  const cmd = str(inner?.cmd) ?? '';
  const callType = num(outer.call_type);
  let mediaType: CallMediaType = callType === 2 ? CallMediaType.VIDEO : callType === 1 ? CallMediaType.AUDIO : CallMediaType.UNKNOWN;
  if (mediaType === CallMediaType.UNKNOWN) {
    if (cmd === 'videoCall') mediaType = CallMediaType.VIDEO;
    else if (cmd === 'audioCall') mediaType = CallMediaType.AUDIO;
  }
  const callEndRaw = num(outer.call_end);
  const callEnd = callEndRaw !== null && callEndRaw > 0 ? Math.round(callEndRaw) : 0;
  const message = str(inner?.message) ?? '';
  // TUICallKit's own test (chatCombine.ts), plus the engine's `lineBusy` cmd.
  const lineBusy =
    outer.line_busy === LINE_BUSY || outer.line_busy === '' || message === LINE_BUSY_MESSAGE || cmd === 'lineBusy' || cmd === 'line_busy';
  const result: ParsedCallPayload = {
    kind: kindOf(cmd, outer, inner, mediaType, callEnd),
    cmd,
    mediaType,
    room: readRoom(outer, inner),
    inviter: str(inner?.inviter) || null,
    userIDs: stringList(inner?.userIDs),
    callEnd,
    lineBusy,
    platform: str(outer.platform) ?? '',
    version: num(outer.version) ?? 0,
    message,
  };
  const userData = str(outer.userData);
  if (userData !== null) result.userData = userData;
  const initialCallId = str(inner?.initialCallId) || str(outer.initialCallId);
  if (initialCallId && initialCallId.length <= 128) result.initialCallId = initialCallId;
  return result;
}

/** `true` for a call payload that reports a busy callee. */
export function isLineBusy(input: unknown): boolean {
  return parseCallPayload(input)?.lineBusy ?? false;
}

// ---- the chat signaling envelope --------------------------------------------------------------------

export interface SignalingEnvelope {
  businessID: typeof SIGNALING_BUSINESS_ID;
  inviteID: string;
  groupID: string;
  inviter: string;
  inviteeList: string[];
  /** The call payload string (parse it with {@link parseCallPayload}). */
  data: string;
  actionType: ActionType;
  timeout: number;
}

/** Builds `payload.data` of a chat signaling message (what the chat SDK sends). */
export function encodeSignalingEnvelope(e: Omit<SignalingEnvelope, 'businessID'>): string {
  const envelope: SignalingEnvelope = {
    businessID: SIGNALING_BUSINESS_ID,
    inviteID: e.inviteID,
    groupID: e.groupID,
    inviter: e.inviter,
    inviteeList: [...e.inviteeList],
    data: e.data,
    actionType: e.actionType,
    timeout: e.timeout,
  };
  return JSON.stringify(envelope);
}

/** Reads a chat signaling envelope (a custom message's `payload.data`); null if it is not one. */
export function parseSignalingEnvelope(input: unknown): SignalingEnvelope | null {
  const o = toObject(input);
  if (!o) return null;
  const businessID = num(o.businessID);
  const actionType = num(o.actionType);
  const inviteID = str(o.inviteID);
  if (businessID !== SIGNALING_BUSINESS_ID || !inviteID) return null;
  if (actionType === null || !Number.isInteger(actionType) || actionType < 1 || actionType > 5) return null;
  const data = typeof o.data === 'string' ? o.data : asObject(o.data) ? JSON.stringify(o.data) : '';
  return {
    businessID: SIGNALING_BUSINESS_ID,
    inviteID,
    groupID: str(o.groupID) ?? '',
    inviter: str(o.inviter) ?? '',
    inviteeList: stringList(o.inviteeList),
    data,
    actionType: actionType as ActionType,
    timeout: Math.max(0, num(o.timeout) ?? 0),
  };
}

/** A chat message as far as signaling is concerned. */
export interface ChatMessageLike {
  type?: unknown;
  payload?: unknown;
  cloudCustomData?: unknown;
}

/**
 * Reads a chat message (e.g. from the message list, to render call records): its signaling
 * envelope and, when the envelope carries one, the call payload. Null for other messages.
 */
export function parseSignalingMessage(message: unknown): { envelope: SignalingEnvelope; call: ParsedCallPayload | null } | null {
  const m = asObject(message) as ChatMessageLike | null;
  if (!m || m.type !== 'TIMCustomElem') return null;
  const envelope = parseSignalingEnvelope(asObject(m.payload)?.data);
  if (!envelope) return null;
  return { envelope, call: parseCallPayload(envelope.data) };
}
