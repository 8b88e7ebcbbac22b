/**
 * Microphone / remote volume from WebAudio analysers, shared by the default engine (call volumes)
 * and `<device-check>` (the live microphone level before or during a call). DOM-free at import time.
 */
interface MeterEntry {
  track: MediaStreamTrack;
  source: MediaStreamAudioSourceNode;
  analyser: AnalyserNode;
  buffer: Float32Array<ArrayBuffer>;
}

/**
 * Volume 0-100 per key from WebAudio analysers (RMS in dBFS, -60..0 dB mapped to 0..100). The
 * AudioContext is created on the first {@link VolumeMeter.set} and closed by
 * {@link VolumeMeter.close}.
 *
 * Measured in Chromium 156: a REMOTE WebRTC audio track delivers samples only while some media
 * element plays it (even muted). Without one, an AnalyserNode (also routed to the destination), a
 * MediaStreamTrackProcessor, `getSynchronizationSources().audioLevel` and getStats `audioLevel`
 * all read silence. The engine renders nothing (no DOM), so remote volumes are non-zero once the
 * UI plays the remote stream, as it must for the call to be heard. Local tracks always meter.
 */
export class VolumeMeter {
  #ctx: AudioContext | null = null;
  #entries = new Map<string, MeterEntry>();
  /** Contexts created and not yet seen closed, for leak checks. */
  #contexts = new Set<AudioContext>();
  /** Every close started so far (a later close() waits for them). */
  #closing: Promise<void> = Promise.resolve();

  /** Meters `track` under `key` (null or an ended track: stop metering it). */
  set(key: string, track: MediaStreamTrack | null): void {
    const current = this.#entries.get(key);
    if (current && current.track === track) return;
    if (current) this.#detach(key, current);
    if (!track || track.readyState !== 'live') return;
    const Ctx = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!Ctx) return;
    try {
      if (!this.#ctx) {
        this.#ctx = new Ctx();
        this.#contexts.add(this.#ctx);
        // Suspended without a user activation; resumes by itself when allowed.
        void this.#ctx.resume().catch(() => undefined);
      }
      const source = this.#ctx.createMediaStreamSource(new MediaStream([track]));
      const analyser = this.#ctx.createAnalyser();
      analyser.fftSize = 1024;
      source.connect(analyser);
      this.#entries.set(key, { track, source, analyser, buffer: new Float32Array(analyser.fftSize) });
    } catch {
      // No metering for this track; volumes are cosmetic.
    }
  }

  /** Current volume per metered key: 0 (silence, below -60 dBFS) .. 100 (full scale). */
  read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, entry] of this.#entries) {
      if (entry.track.readyState !== 'live' || !entry.track.enabled) {
        out[key] = 0;
        continue;
      }
      entry.analyser.getFloatTimeDomainData(entry.buffer);
      let sum = 0;
      for (const x of entry.buffer) sum += x * x;
      const rms = Math.sqrt(sum / entry.buffer.length);
      const db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
      out[key] = Math.max(0, Math.min(100, Math.round(((db + 60) / 60) * 100)));
    }
    return out;
  }

  /** AudioContexts not closed yet (closing is asynchronous). */
  openContextCount(): number {
    for (const ctx of [...this.#contexts]) if (ctx.state === 'closed') this.#contexts.delete(ctx);
    return this.#contexts.size;
  }

  /** Keys being metered. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Stops metering everything and closes the AudioContext; resolves once every context this meter
   * made is closed, also one an earlier unawaited call is still closing (Firefox closes a context
   * that never started slowly).
   */
  async close(): Promise<void> {
    for (const [key, entry] of this.#entries) this.#detach(key, entry);
    const ctx = this.#ctx;
    this.#ctx = null;
    if (ctx && ctx.state !== 'closed') {
      const closing = ctx.close().catch(() => undefined);
      this.#closing = Promise.all([this.#closing, closing]).then(() => undefined);
    }
    await this.#closing;
  }

  #detach(key: string, entry: MeterEntry): void {
    this.#entries.delete(key);
    try {
      entry.source.disconnect();
    } catch {
      // already disconnected
    }
  }
}
