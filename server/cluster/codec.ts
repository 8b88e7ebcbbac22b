/**
 * The call records as a cluster keeps them in Redis: one JSON string per live call (`CallRec`
 * without its timer handles; sets as arrays), with the observers' state carried along under `x`
 * (`carried.ts`). Pure functions, no I/O.
 */
import type { CallRec, MemberRec } from '../call-model.js';

type StoredMember = Omit<MemberRec, 'timer' | 'grace' | 'unsupportedConns'> & { unsupportedConns?: number[] };
interface StoredCall extends Omit<CallRec, 'members'> {
  members: StoredMember[];
  /** The carried state (`carried.ts`), by key. */
  x?: Record<string, unknown>;
}

export function encodeCall(call: CallRec, carried?: Record<string, unknown>): string {
  const members: StoredMember[] = [];
  for (const m of call.members.values()) {
    const { timer: _timer, grace: _grace, unsupportedConns, ...rest } = m;
    members.push(unsupportedConns ? { ...rest, unsupportedConns: [...unsupportedConns] } : rest);
  }
  const { members: _members, ...head } = call;
  return JSON.stringify({ ...head, members, ...(carried ? { x: carried } : {}) } satisfies StoredCall);
}

export function decodeCall(text: string): CallRec {
  return decodeStored(text).call;
}

/** The call and its carried state. */
export function decodeStored(text: string): { call: CallRec; carried: Record<string, unknown> } {
  const { x, ...stored } = JSON.parse(text) as StoredCall;
  const members = new Map<string, MemberRec>();
  for (const m of stored.members) {
    const { unsupportedConns, ...rest } = m;
    members.set(m.userId, unsupportedConns ? { ...rest, unsupportedConns: new Set(unsupportedConns) } : rest);
  }
  return { call: { ...stored, members }, carried: x ?? {} };
}
