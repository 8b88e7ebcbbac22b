/** Argument validation for the public `callKit` API: every bad argument throws a typed CallKitError. */
import {
  CallMediaType,
  FeatureButton,
  LayoutMode,
  MAX_INVITEES,
  MAX_RING_TIMEOUT_S,
  MIN_RING_TIMEOUT_S,
  VideoDisplayMode,
  VideoResolution,
} from '../constants.js';
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
  const ids = list.map((id, i) => validateUserId(id, `userIDList[${i}]`));
  if (new Set(ids).size !== ids.length) throw invalidParameter('userIDList has duplicate user ids');
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
  const out: ValidInitParams = { SDKAppID: app, userID, userSig: params.userSig };
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

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}
