/**
 * Browser-side helpers for the "tiles never remount" tests: synthetic camera streams and a watcher
 * proving a member's `<video>` element is never replaced (removed, or a new one added) while the
 * call goes on.
 */

/** A painted canvas stream (a new video track each call, plus an audio track): a remote camera. */
export function canvasCamera(colour: string): { stream: MediaStream; stop(): void } {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  const ctx = canvas.getContext('2d')!;
  let frame = 0;
  const paint = () => {
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 160, 120);
    ctx.fillStyle = '#fff';
    ctx.fillRect(frame++ % 160, 50, 8, 20);
  };
  paint();
  const stream = canvas.captureStream(15);
  const timer = setInterval(paint, 66);
  const audio = new AudioContext();
  const destination = audio.createMediaStreamDestination();
  stream.addTrack(destination.stream.getAudioTracks()[0]);
  return {
    stream,
    stop() {
      clearInterval(timer);
      for (const t of stream.getTracks()) t.stop();
      void audio.close();
    },
  };
}

/**
 * Makes a live track report `muted` and fire `mute` / `unmute` as a browser does for a remote
 * track whose packets stop and resume (a page cannot mute a track itself).
 */
/**
 * Whether {@link simulateMute} works here: Firefox (153 ESR) does not deliver an event a page
 * dispatches on a `MediaStreamTrack` to its listeners, so a mute cannot be simulated there.
 */
export function canSimulateMute(): boolean {
  const track = document.createElement('canvas').captureStream(1).getVideoTracks()[0];
  if (!track) return false;
  let heard = false;
  track.addEventListener('mute', () => (heard = true));
  track.dispatchEvent(new Event('mute'));
  track.stop();
  return heard;
}

export function simulateMute(track: MediaStreamTrack, muted: boolean): void {
  Object.defineProperty(track, 'muted', { configurable: true, get: () => muted });
  track.dispatchEvent(new Event(muted ? 'mute' : 'unmute'));
}

interface Root {
  root: ShadowRoot;
  observer: MutationObserver;
}

/**
 * Observes a `<call-view>`'s shadow root and the shadow root of each `<participant-tile>` in it
 * (tiles added later too) for removed and added `<video>` / `<participant-tile>` nodes.
 * `violations(ids)` lists, for the members in `ids`, each `<video>` that is no longer the one first
 * seen for that member, and each removed video or tile of theirs that is not back in the page (a
 * node removed and re-inserted by keyed rendering is a move, allowed).
 */
export class VideoWatch {
  readonly #roots: Root[] = [];
  /** The first `<video>` seen for each member. */
  readonly #first = new Map<string, HTMLVideoElement>();
  readonly #removed: { userId: string; node: Element }[] = [];
  readonly #added: { userId: string; node: Element }[] = [];

  constructor(readonly view: HTMLElement) {
    this.#observe(view.shadowRoot!);
    this.snapshot();
  }

  tiles(): HTMLElement[] {
    return [...this.view.shadowRoot!.querySelectorAll<HTMLElement>('participant-tile')];
  }

  /** The `<video>` of each member's tile, now. */
  videos(): Map<string, HTMLVideoElement | null> {
    const out = new Map<string, HTMLVideoElement | null>();
    for (const tile of this.tiles()) out.set(tile.getAttribute('user-id')!, tile.shadowRoot?.querySelector('video') ?? null);
    return out;
  }

  /** Records the first video of members seen for the first time; observes new tiles. */
  snapshot(): void {
    for (const tile of this.tiles()) {
      if (tile.shadowRoot && !this.#roots.some((r) => r.root === tile.shadowRoot)) this.#observe(tile.shadowRoot);
    }
    for (const [id, video] of this.videos()) if (video && !this.#first.has(id)) this.#first.set(id, video);
  }

  #observe(root: ShadowRoot): void {
    const observer = new MutationObserver((records) => this.#record(records));
    observer.observe(root, { childList: true, subtree: true });
    this.#roots.push({ root, observer });
  }

  #userOf(node: Node, fallback: Node): string {
    const tile = node instanceof Element && node.localName === 'participant-tile' ? node : (fallback.getRootNode() as ShadowRoot).host;
    return tile?.getAttribute('user-id') ?? '';
  }

  #record(records: MutationRecord[]): void {
    const collect = (nodes: NodeList, into: { userId: string; node: Element }[], target: Node) => {
      for (const node of nodes) {
        if (!(node instanceof Element)) continue;
        const found = [node, ...node.querySelectorAll('video, participant-tile')].filter((n) => n.matches('video, participant-tile'));
        for (const n of found) into.push({ userId: this.#userOf(n, target), node: n });
      }
    };
    for (const r of records) {
      collect(r.removedNodes, this.#removed, r.target);
      collect(r.addedNodes, this.#added, r.target);
    }
  }

  /** What replaced a video (or tile) of the members in `ids`; empty when nothing did. */
  violations(ids: readonly string[]): string[] {
    for (const { observer } of this.#roots) this.#record(observer.takeRecords());
    this.snapshot();
    const out: string[] = [];
    const now = this.videos();
    for (const id of ids) {
      const first = this.#first.get(id);
      const current = now.get(id);
      if (!current) out.push(`${id}: no <video>`);
      else if (first && current !== first) out.push(`${id}: a new <video> replaced the first one`);
    }
    for (const { userId, node } of this.#removed) {
      if (ids.includes(userId) && !node.isConnected) out.push(`${userId}: a <${node.localName}> was removed`);
    }
    for (const { userId, node } of this.#added) {
      if (node.localName === 'video' && ids.includes(userId) && node !== this.#first.get(userId))
        out.push(`${userId}: a <video> was added`);
    }
    return out;
  }

  disconnect(): void {
    for (const { observer } of this.#roots) observer.disconnect();
  }
}
