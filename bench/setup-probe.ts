/**
 * In-page probe of `bench/setup.ts` (an init script: self-contained, no imports). Timestamps are
 * `performance.timeOrigin + performance.now()` (sub-millisecond, one clock for every page of the
 * browser), kept first-seen in `window.__marks` until `__resetMarks()`:
 * - `out:<type>` / `in:<type>`: the first signaling frame of that type sent / received;
 * - `gum:start` / `gum:end`: getUserMedia;
 * - `__watchCall(render)`: until a reset, polls the page's open peer connections (or `window.__pc`) every ~2 ms for
 *   `ice` (ICE connected), `dtls` (connectionState connected), `frame` (a remote video frame decoded)
 *   and `render` (a `<video>`, shadow roots included, showing a remote track with a decoded frame);
 * - `__watchBanner()`: `store` (the kit's store holds the incoming call), `banner` (the alertdialog has
 *   a box), `paint` (the frame after it: requestAnimationFrame, then a task).
 */
export const probe = () => {
  type Marks = Record<string, number>;
  const w = window as unknown as Record<string, unknown> & { __marks: Marks; __pcs?: RTCPeerConnection[]; __pc?: RTCPeerConnection };
  const now = () => performance.timeOrigin + performance.now();
  w.__marks = {};
  const mark = (k: string) => {
    if (!(k in w.__marks)) w.__marks[k] = now();
  };
  w.__now = now;
  // Each reset ends the watchers started before it (they stop polling).
  let generation = 0;
  w.__resetMarks = () => {
    w.__marks = {};
    generation++;
  };
  const NativeWS = window.WebSocket;
  window.WebSocket = class extends NativeWS {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        const m = /"type":"([a-z-]+)"/.exec(String(e.data));
        if (m) mark(`in:${m[1]}`);
      });
    }
    override send(data: Parameters<WebSocket['send']>[0]): void {
      const m = typeof data === 'string' ? /"type":"([a-z-]+)"/.exec(data) : null;
      if (m) mark(`out:${m[1]}`);
      super.send(data);
    }
  } as typeof WebSocket;
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    mark('gum:start');
    const s = await gum(c);
    mark('gum:end');
    return s;
  };
  const deepAll = (root: Document | ShadowRoot, selector: string, out: Element[] = []): Element[] => {
    out.push(...root.querySelectorAll(selector));
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) deepAll(el.shadowRoot, selector, out);
    return out;
  };
  const pcs = () => (w.__pc ? [w.__pc] : (w.__pcs ?? []).filter((pc) => pc.signalingState !== 'closed'));
  w.__watchCall = (render: boolean) =>
    new Promise<void>((resolve) => {
      const mine = generation;
      const tick = async () => {
        if (mine !== generation) return resolve();
        const list = pcs();
        if (list.some((pc) => pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed')) mark('ice');
        if (list.some((pc) => pc.connectionState === 'connected')) mark('dtls');
        if (!('frame' in w.__marks)) {
          for (const pc of list) {
            let frames = 0;
            (await pc.getStats()).forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
              if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
            });
            if (frames > 0) mark('frame');
          }
        }
        if (render && !('render' in w.__marks)) {
          const remote = new Set(list.flatMap((pc) => pc.getReceivers().map((r) => r.track.id)));
          const shown = deepAll(document, 'video').some((v) => {
            const video = v as HTMLVideoElement;
            const track = (video.srcObject as MediaStream | null)?.getVideoTracks()[0];
            return track && remote.has(track.id) && video.readyState >= 2 && video.videoWidth > 0;
          });
          if (shown) mark('render');
        }
        if ('frame' in w.__marks && (!render || 'render' in w.__marks)) resolve();
        else setTimeout(() => void tick(), 2);
      };
      void tick();
    });
  w.__watchBanner = () =>
    new Promise<void>((resolve) => {
      const kit = (window as unknown as { callKit: { store: { subscribe(fn: (s: { incoming: unknown[] }) => void): () => void } } })
        .callKit;
      const off = kit.store.subscribe((s) => {
        if (s.incoming.length) mark('store');
      });
      const tick = () => {
        const el = deepAll(document, '[role=alertdialog]')[0];
        if (el && el.getClientRects().length) {
          mark('banner');
          off();
          requestAnimationFrame(() =>
            setTimeout(() => {
              mark('paint');
              resolve();
            }, 0),
          );
        } else setTimeout(tick, 1);
      };
      tick();
    });
};
