/**
 * Network quality on the SFU path (issue 15), the mesh rating (`qualityFrom` in `peer.ts`: round
 * trip and loss to TUI levels 1..5, 6 down) read from the SFU's two connections:
 * - **us**: the upload's link to the media server (the selected pair's round trip; the loss Janus
 *   reports for what we send, `remote-inbound-rtp`), and the receiving connection's own link;
 * - **each other member**: what arrives from them on the receiving connection, per `mid` (the
 *   `inbound-rtp` of their audio and video, loss over the last few samples, worse kind first, as on
 *   mesh), with that connection's round trip; their audio stalling while they announce it on, or
 *   the receiving connection broken, is 6 (down).
 * A member's own upload is not visible from here: a member with a bad upload shows up as loss on
 * everyone's receiving side, which is what the tile should say.
 */
import { qualityFrom, StallDetector, type NetworkQuality, type StatsEntry } from './peer.js';

/** Samples the inbound loss is measured over (as on mesh). */
const LOSS_WINDOW = 4;

type Counts = { lost: number; received: number };

function entriesOf(report: RTCStatsReport): Map<string, StatsEntry> {
  const entries = new Map<string, StatsEntry>();
  report.forEach((s: StatsEntry) => entries.set(s.id, s));
  return entries;
}

/** The selected candidate pair's round trip (seconds), else the RTCP one; undefined before any. */
function roundTrip(entries: ReadonlyMap<string, StatsEntry>): number | undefined {
  let pair: StatsEntry | undefined;
  let rtcp: number | undefined;
  for (const s of entries.values()) {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') pair = entries.get(s.selectedCandidatePairId);
    else if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') rtcp = Math.max(rtcp ?? 0, s.roundTripTime);
  }
  pair ??= [...entries.values()].find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
  return typeof pair?.currentRoundTripTime === 'number' ? pair.currentRoundTripTime : rtcp;
}

const down = (pc: RTCPeerConnection | null) =>
  !pc || pc.connectionState === 'failed' || pc.connectionState === 'disconnected' || pc.connectionState === 'closed';

export class SfuQuality {
  /** Per member, per kind: cumulative inbound counts at the last samples, oldest first. */
  readonly #history = new Map<string, Record<'audio' | 'video', Counts>[]>();
  readonly #stalls = new Map<string, StallDetector>();
  readonly #stallMs: number | undefined;

  constructor(stallMs?: number) {
    this.#stallMs = stallMs;
  }

  /**
   * Rates our link (`self`) and each member whose streams `mids` maps on `sub`. `expectAudio(userId)`:
   * that member announces its microphone on (its audio must keep arriving).
   */
  async sample(
    pub: RTCPeerConnection,
    sub: RTCPeerConnection | null,
    mids: ReadonlyMap<string, { userId: string }>,
    expectAudio: (userId: string) => boolean,
    now = Date.now(),
  ): Promise<{ self: NetworkQuality; members: Record<string, NetworkQuality> }> {
    const [up, downReport] = await Promise.all([
      down(pub) ? null : pub.getStats().catch(() => null),
      down(sub) ? null : (sub?.getStats().catch(() => null) ?? null),
    ]);
    let self: NetworkQuality = down(pub) ? 6 : 0;
    if (up) {
      const entries = entriesOf(up);
      let sentLoss = { audio: 0, video: -1 };
      for (const s of entries.values()) {
        if (s.type !== 'remote-inbound-rtp') continue;
        const kind = s.kind === 'video' ? 'video' : 'audio';
        sentLoss = { ...sentLoss, [kind]: Math.max(sentLoss[kind], Number(s.fractionLost ?? 0)) };
      }
      self = qualityFrom(roundTrip(entries), sentLoss.video >= 0 ? sentLoss.video : sentLoss.audio);
    }
    const members: Record<string, NetworkQuality> = {};
    const userIds = new Set([...mids.values()].map((s) => s.userId));
    for (const id of this.#history.keys()) if (!userIds.has(id)) this.#history.delete(id);
    for (const id of this.#stalls.keys()) if (!userIds.has(id)) this.#stalls.delete(id);
    if (!downReport) {
      for (const id of userIds) members[id] = sub && down(sub) ? 6 : 0;
      if (sub && down(sub)) self = 6;
      return { self, members };
    }
    const entries = entriesOf(downReport);
    const rtt = roundTrip(entries);
    const counts = new Map<string, Record<'audio' | 'video', Counts>>();
    for (const s of entries.values()) {
      if (s.type !== 'inbound-rtp' || (s.kind !== 'audio' && s.kind !== 'video') || typeof s.mid !== 'string') continue;
      const userId = mids.get(s.mid)?.userId;
      if (!userId) continue;
      let c = counts.get(userId);
      if (!c) counts.set(userId, (c = { audio: { lost: 0, received: 0 }, video: { lost: 0, received: 0 } }));
      c[s.kind].lost += Math.max(0, Number(s.packetsLost ?? 0));
      c[s.kind].received += Number(s.packetsReceived ?? 0);
    }
    let worstLoss = 0;
    for (const userId of userIds) {
      const current = counts.get(userId) ?? { audio: { lost: 0, received: 0 }, video: { lost: 0, received: 0 } };
      const history = this.#history.get(userId) ?? [];
      const base = history[0] ?? { audio: { lost: 0, received: 0 }, video: { lost: 0, received: 0 } };
      let loss = 0;
      for (const kind of ['audio', 'video'] as const) {
        const lost = current[kind].lost - base[kind].lost;
        const received = current[kind].received - base[kind].received;
        if (lost > 0 && lost + received > 0) loss = Math.max(loss, lost / (lost + received));
      }
      history.push(current);
      if (history.length > LOSS_WINDOW) history.shift();
      this.#history.set(userId, history);
      let stall = this.#stalls.get(userId);
      if (!stall) this.#stalls.set(userId, (stall = new StallDetector(this.#stallMs)));
      const stalled = stall.update(current.audio.received, expectAudio(userId), now);
      members[userId] = stalled ? 6 : qualityFrom(rtt, loss);
      worstLoss = Math.max(worstLoss, loss);
    }
    // Loss on every member's streams at once is on our side of the media server.
    const shared = userIds.size > 0 && [...userIds].every((id) => (members[id] ?? 0) >= 4);
    const ours = qualityFrom(rtt, shared ? worstLoss : 0);
    self = Math.max(self, ours === 0 && self > 0 ? self : ours) as NetworkQuality;
    return { self, members };
  }
}
