/** Argument validation for the public `callKit` API: every bad argument throws a typed CallKitError. */
import {
  CallMediaType,
  FeatureButton,
  LayoutMode,
  MAX_INVITEES,
  MAX_PRESENCE_WATCH,
  MAX_RING_TIMEOUT_S,
  MIN_RING_TIMEOUT_S,
  VideoDisplayMode,
  VideoResolution,
} from '../constants.js';
import type { CallEngine } from '../engine/types.js';
import { CallKitError, ErrorCode, invalidParameter } from '../errors.js';

const USER_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw invalidParameter(`${what} must be an object`);
  return value;
}

export function validateUserId(value: unknown, what = 'userID'): string {
  if (typeof value !== 'string' || !USER_ID_RE.test(value)) {
    throw invalidParameter(`${what} must be a string of 1-64 letters, digits, '_' or '-' (got ${describe(value)})`);
  }
  return value;
}

/** The user ids of a `userIDList`, without duplicates. */
function userIds(list: unknown[]): string[] {
  const ids = list.map((id, i) => validateUserId(id, `userIDList[${i}]`));
  if (new Set(ids).size !== ids.length) throw invalidParameter('userIDList has duplicate user ids');
  return ids;
}

/**
 * `subscribePresence(userIDs)` / `unsubscribePresence(userIDs)`: a non-empty array of user ids,
 * duplicates dropped; more than {@link MAX_PRESENCE_WATCH} is INVALID_PARAMETER, reason `too-many-watched`.
 */
export function validatePresenceUserIds(value: unknown, what = 'subscribePresence() userIDs'): string[] {
  if (!Array.isArray(value) || value.length < 1) throw invalidParameter(`${what} must be a non-empty array of user ids`);
  const ids = [...new Set(value.map((id, i) => validateUserId(id, `userIDs[${i}]`)))];
  if (ids.length > MAX_PRESENCE_WATCH) {
    throw new CallKitError(
      ErrorCode.INVALID_PARAMETER,
      `${what}: at most ${MAX_PRESENCE_WATCH} users may be watched (got ${ids.length})`,
      'too-many-watched',
    );
  }
  return ids;
}

/** `getCallRecords` parameters: `limit` 1..20 (default 20), `cursor` a `nextCursor` from before. */
export function validateRecordsQuery(value: unknown): { limit?: number; cursor?: string } {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object') throw invalidParameter('getCallRecords takes { limit?, cursor? }');
  const { limit, cursor } = value as { limit?: unknown; cursor?: unknown };
  const out: { limit?: number; cursor?: string } = {};
  if (limit !== undefined) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 20)
      throw invalidParameter('limit must be an integer in [1, 20]');
    out.limit = limit;
  }
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || cursor === '' || cursor.length > 128)
      throw invalidParameter('cursor must be a nextCursor from a previous page');
    out.cursor = cursor;
  }
  return out;
}

export function validateMediaType(value: unknown): CallMediaType {
  if (value !== CallMediaType.AUDIO && value !== CallMediaType.VIDEO) {
    throw invalidParameter(`type must be CallMediaType.AUDIO (1) or CallMediaType.VIDEO (2) (got ${describe(value)})`);
  }
  return value;
}

export interface ValidCallsParams {
  userIDList: string[];
  type: CallMediaType;
  timeout?: number;
  userData?: string;
  groupID?: string;
}

export function validateCallsParams(value: unknown, selfId: string): ValidCallsParams {
  const params = requireObject(value, 'calls() params');
  const list = params.userIDList;
  if (!Array.isArray(list)) throw invalidParameter('userIDList must be an array of user ids');
  if (list.length < 1 || list.length > MAX_INVITEES) {
    throw new CallKitError(ErrorCode.CALLEE_COUNT, `userIDList must hold 1 to ${MAX_INVITEES} user ids (got ${list.length})`);
  }
  const ids = userIds(list);
  if (ids.includes(selfId)) throw new CallKitError(ErrorCode.SELF_CALL, 'you cannot call yourself');
  const out: ValidCallsParams = { userIDList: ids, type: validateMediaType(params.type) };
  if (params.timeout !== undefined) {
    const t = params.timeout;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < MIN_RING_TIMEOUT_S || t > MAX_RING_TIMEOUT_S) {
      throw invalidParameter(`timeout must be a whole number of seconds from ${MIN_RING_TIMEOUT_S} to ${MAX_RING_TIMEOUT_S}`);
    }
    out.timeout = t;
  }
  if (params.userData !== undefined) {
    if (typeof params.userData !== 'string' || params.userData.length > 4096) {
      throw invalidParameter('userData must be a string of at most 4096 characters');
    }
    out.userData = params.userData;
  }
  const group = params.groupID ?? params.chatGroupID;
  if (group !== undefined && group !== '') {
    if (typeof group !== 'string' || group.length > 64) throw invalidParameter('groupID must be a string of at most 64 characters');
    out.groupID = group;
  }
  return out;
}

export interface ValidInitParams {
  SDKAppID: number;
  userID: string;
  userSig: string;
  server?: string;
  stayReachable: boolean;
}

export function validateInitParams(value: unknown): ValidInitParams {
  const params = requireObject(value, 'init() params');
  if ('secretKey' in params || 'SECRETKEY' in params) {
    throw invalidParameter('init() never takes a secret key: mint userSig on your server (see README, "Security")');
  }
  const app = params.SDKAppID ?? params.sdkAppID;
  if (typeof app !== 'number' || !Number.isInteger(app) || app <= 0) {
    throw invalidParameter(`SDKAppID must be a positive integer (got ${describe(app)})`);
  }
  const userID = validateUserId(params.userID);
  if (typeof params.userSig !== 'string' || params.userSig.length === 0) throw invalidParameter('userSig must be a non-empty string');
  const stayReachable = params.stayReachable === undefined ? false : validateBoolean(params.stayReachable, 'stayReachable');
  const out: ValidInitParams = { SDKAppID: app, userID, userSig: params.userSig, stayReachable };
  if (params.server !== undefined) {
    if (typeof params.server !== 'string' || !/^wss?:\/\//.test(params.server)) {
      throw invalidParameter(`server must be a ws:// or wss:// URL (got ${describe(params.server)})`);
    }
    out.server = params.server;
  }
  return out;
}

export function validateEnum<T extends string>(value: unknown, allowed: Record<string, T>, what: string): T {
  const values = Object.values(allowed);
  if (!values.includes(value as T)) throw invalidParameter(`${what} must be one of ${values.join(', ')} (got ${describe(value)})`);
  return value as T;
}

export const validateLayoutMode = (v: unknown) => validateEnum(v, LayoutMode, 'layoutMode');
export const validateDisplayMode = (v: unknown) => validateEnum(v, VideoDisplayMode, 'displayMode');
export const validateResolution = (v: unknown) => validateEnum(v, VideoResolution, 'resolution');
export const validateFeatureButton = (v: unknown) => validateEnum(v, FeatureButton, 'buttonName');

/** A call id as engines use them (the default engine's are 22 characters): 1-64 of [A-Za-z0-9_-]. */
export function validateCallId(value: unknown, what = 'callId'): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    throw invalidParameter(`${what} must be a call id string (got ${describe(value)})`);
  }
  return value;
}

export function validateBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw invalidParameter(`${what} must be true or false (got ${describe(value)})`);
  return value;
}

/** `init({ engine })`: `'webrtc'` (the default), `'tencent'`, `'tuicall'` or an engine instance. */
export function validateEngineChoice(value: unknown): 'webrtc' | 'tencent' | 'tuicall' | CallEngine {
  const choice = value ?? 'webrtc';
  if (choice === 'webrtc' || choice === 'tencent' || choice === 'tuicall') return choice;
  if (typeof choice !== 'object' || choice === null || typeof (choice as CallEngine).login !== 'function') {
    throw invalidParameter("engine must be 'webrtc', 'tencent', 'tuicall' or a CallEngine instance");
  }
  return choice as CallEngine;
}

export function validateAcceptOptions(value: unknown): {
  audioOnly: boolean;
  endCurrent: boolean;
  callId: string | undefined;
  camera: boolean | undefined;
} {
  const p = requireObject(value, 'accept() options');
  return {
    camera: p.camera === undefined ? undefined : validateBoolean(p.camera, 'camera'),
    audioOnly: p.audioOnly === undefined ? false : validateBoolean(p.audioOnly, 'audioOnly'),
    endCurrent: p.endCurrent === undefined ? false : validateBoolean(p.endCurrent, 'endCurrent'),
    callId: p.callId === undefined ? undefined : validateCallId(p.callId),
  };
}

/** `inviteUser({ userIDList })`: the user ids, non-empty, without duplicates. */
export function validateInvitees(value: unknown): string[] {
  const p = requireObject(value, 'inviteUser() params');
  const list = p.userIDList;
  if (!Array.isArray(list) || list.length < 1) throw invalidParameter('userIDList must be a non-empty array of user ids');
  return userIds(list);
}

/** `join({ callId })`: the call id. */
export function validateJoinParams(value: unknown): string {
  const p = requireObject(value, 'join() params');
  if (typeof p.callId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(p.callId)) throw invalidParameter('callId must be a call id string');
  return p.callId;
}

type DeviceType = 'camera' | 'microphone' | 'speaker';

export function validateDeviceKind(value: unknown): DeviceType {
  if (value !== 'camera' && value !== 'microphone' && value !== 'speaker')
    throw invalidParameter("deviceType must be 'camera', 'microphone' or 'speaker'");
  return value;
}

export function validateSwitchDevice(value: unknown): { deviceType: DeviceType; deviceId: string } {
  const p = requireObject(value, 'switchDevice() params');
  const deviceType = validateDeviceKind(p.deviceType);
  if (typeof p.deviceId !== 'string' || p.deviceId === '') throw invalidParameter('deviceId must be a non-empty string');
  return { deviceType, deviceId: p.deviceId };
}

export function validateSelfInfo(value: unknown): { name: string | undefined; avatar: string | undefined } {
  const p = requireObject(value, 'setSelfInfo() params');
  const name = p.nickName ?? p.name;
  if (name !== undefined && (typeof name !== 'string' || name.length > 64))
    throw invalidParameter('nickName must be a string of at most 64 characters');
  if (p.avatar !== undefined && (typeof p.avatar !== 'string' || p.avatar.length > 2048))
    throw invalidParameter('avatar must be a URL string');
  return { name: name as string | undefined, avatar: p.avatar as string | undefined };
}

export function validateLanguage(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/.test(value)) {
    throw invalidParameter(`language must be a language code such as 'en', 'zh-cn' or 'ja_JP' (got ${String(value)})`);
  }
  return value;
}

const pageBase = (): string => (globalThis as { document?: Document }).document?.baseURI ?? 'http://localhost/';

/**
 * `setCallingBell(filePath)`: the absolute URL of a sound the browser can play (`https:`, `http:`,
 * `blob:`, `file:`, `data:audio/...`, or relative to the page); null (the kit's tone) for none or `''`.
 */
export function validateBellUrl(filePath: unknown): string | null {
  if (filePath === undefined || filePath === null || filePath === '') return null;
  if (typeof filePath !== 'string') throw invalidParameter('filePath must be a URL string');
  let url: URL;
  try {
    url = new URL(filePath, pageBase());
  } catch {
    throw invalidParameter(`filePath is not a URL: ${filePath}`);
  }
  const ok = ['http:', 'https:', 'blob:', 'file:'].includes(url.protocol) || (url.protocol === 'data:' && /^data:audio\//i.test(filePath));
  if (!ok) throw invalidParameter(`filePath must be an http(s), blob, file or data:audio URL (got ${url.protocol})`);
  return url.href;
}

/** A view background: an image URL (relative to the page) or `''` (none). */
export function validateImageUrl(url: unknown): string {
  if (typeof url !== 'string' || url.length > 4096) throw invalidParameter('url must be an image URL string');
  if (url !== '') {
    try {
      new URL(url, pageBase());
    } catch {
      throw invalidParameter(`url is not a URL: ${url}`);
    }
  }
  return url;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}
