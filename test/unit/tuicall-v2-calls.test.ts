/**
 * `V2Calls` (src/engine/tuicall/v2-calls.ts): which chat signaling invitations the `tuicall` engine
 * remembers as v2 calls (for join by call id and inviteUser), read from TUICallEngine 3.3.4's own
 * captured messages (test/fixtures/tuicallkit-v2/official-3.3.4-*.json) and the kit's invite shape.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CallMediaType } from '../../src/constants.js';
import { V2Calls } from '../../src/engine/tuicall/v2-calls.js';

interface Envelope {
  inviteID: string;
  groupID: string;
  data: string;
}

function envelope(name: string): Envelope {
  const fixture = JSON.parse(readFileSync(new URL(`../fixtures/tuicallkit-v2/${name}.json`, import.meta.url), 'utf8')) as {
    message: { payload: { data: string } };
  };
  return JSON.parse(fixture.message.payload.data) as Envelope;
}

const note = (calls: V2Calls, e: Envelope): void => calls.note(e.inviteID, e.groupID, e.data);

describe('V2Calls', () => {
  it('remembers an official 1v1 invitation: no group, its numeric room and media', () => {
    const calls = new V2Calls();
    const e = envelope('official-3.3.4-invite-video-1v1');
    note(calls, e);
    const call = calls.get(e.inviteID);
    assert.ok(call);
    assert.equal(call.groupID, '');
    assert.equal(typeof call.room, 'number');
    assert.equal(call.mediaType, CallMediaType.VIDEO);
  });

  it('remembers an official group invitation with its group and room', () => {
    const calls = new V2Calls();
    const e = envelope('official-3.3.4-invite-audio-group');
    note(calls, e);
    assert.deepEqual(calls.get(e.inviteID), { callId: e.inviteID, groupID: 'team-f8', room: 31397065, mediaType: CallMediaType.AUDIO });
  });

  it('a string room, and an inviteUser invitation named by its initialCallId', () => {
    const calls = new V2Calls();
    const body = (extra: Record<string, unknown>, room: Record<string, unknown>) =>
      JSON.stringify({ businessID: 'av_call', call_type: 2, ...room, data: { cmd: 'videoCall', ...room, ...extra } });
    calls.note('inv-1', 'team', body({}, { room_id: 0, str_room_id: 'desk-12' }));
    assert.equal(calls.get('inv-1')?.room, 'desk-12');
    calls.note('inv-2', 'team', body({ initialCallId: 'call-0', inCallUserIDs: ['a'] }, { room_id: 77 }));
    assert.equal(calls.get('inv-2'), undefined);
    assert.deepEqual(calls.get('call-0'), { callId: 'call-0', groupID: 'team', room: 77, mediaType: CallMediaType.VIDEO });
  });

  it('ignores what is not a call: a switch to audio, a hangup record, other business, bad JSON', () => {
    const calls = new V2Calls();
    for (const name of ['official-3.3.4-switch-to-audio', 'official-3.3.4-hangup-record']) note(calls, envelope(name));
    calls.note('x', '', JSON.stringify({ businessID: 'other', data: { cmd: 'videoCall' } }));
    calls.note('y', '', '{');
    calls.note('', '', JSON.stringify({ businessID: 'av_call', data: { cmd: 'audioCall' } }));
    for (const id of [
      envelope('official-3.3.4-switch-to-audio').inviteID,
      envelope('official-3.3.4-hangup-record').inviteID,
      'x',
      'y',
      '',
    ]) {
      assert.equal(calls.get(id), undefined, id);
    }
  });

  it('keeps the last 32 calls', () => {
    const calls = new V2Calls();
    const data = JSON.stringify({ businessID: 'av_call', room_id: 5, data: { cmd: 'audioCall', room_id: 5 } });
    for (let i = 0; i < 40; i++) calls.note(`c${i}`, 'g', data);
    assert.equal(calls.get('c7'), undefined);
    assert.ok(calls.get('c8'));
    assert.ok(calls.get('c39'));
  });
});
