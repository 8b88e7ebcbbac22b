/**
 * Ringtones synthesized with Web Audio (our own sound, nothing downloaded): a ringback tone for the
 * caller while dialing and a two-tone ring for the callee. Created lazily, never at import time.
 * `playing` tells whether sound is actually coming out (false while the browser's autoplay
 * policy keeps the AudioContext suspended; it resumes on the next user gesture).
 */
export type RingtoneKind = 'dialing' | 'ringing';

interface Pattern {
  /** [frequency Hz, ...] played together. */
  tones: number[];
  /** On/off cadence in seconds, repeated. */
  cadence: number[];
}

const PATTERNS: Record<RingtoneKind, Pattern> = {
  dialing: { tones: [440, 480], cadence: [1, 3] },
  ringing: { tones: [620, 780], cadence: [0.4, 0.2, 0.4, 1.6] },
};

export class Ringtone {
  #ctx: AudioContext | null = null;
  #gain: GainNode | null = null;
  #oscillators: OscillatorNode[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #kind: RingtoneKind | null = null;
  #unlock = () => void this.#ctx?.resume().catch(() => undefined);

  get kind(): RingtoneKind | null {
    return this.#kind;
  }

  get playing(): boolean {
    return this.#kind !== null && this.#ctx?.state === 'running';
  }

  play(kind: RingtoneKind): void {
    if (this.#kind === kind) return;
    this.stop();
    if (typeof AudioContext === 'undefined') return;
    this.#kind = kind;
    const ctx = (this.#ctx ??= new AudioContext());
    if (ctx.state === 'suspended') {
      void ctx.resume().catch(() => undefined);
      // Autoplay policy: start on the first user gesture anywhere in the page.
      for (const type of ['pointerdown', 'keydown'] as const) addEventListener(type, this.#unlock, { once: true, capture: true });
    }
    const gain = (this.#gain = ctx.createGain());
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    this.#oscillators = PATTERNS[kind].tones.map((frequency) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = frequency;
      osc.connect(gain);
      osc.start();
      return osc;
    });
    this.#cycle(0);
  }

  #cycle(step: number): void {
    const pattern = this.#kind ? PATTERNS[this.#kind] : null;
    if (!pattern || !this.#gain || !this.#ctx) return;
    const on = step % 2 === 0;
    this.#gain.gain.setTargetAtTime(on ? 0.08 : 0, this.#ctx.currentTime, 0.01);
    const duration = pattern.cadence[step % pattern.cadence.length];
    this.#timer = setTimeout(() => this.#cycle(step + 1), duration * 1000);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const osc of this.#oscillators) {
      osc.stop();
      osc.disconnect();
    }
    this.#oscillators = [];
    this.#gain?.disconnect();
    this.#gain = null;
    this.#kind = null;
    if (typeof removeEventListener === 'function') {
      for (const type of ['pointerdown', 'keydown'] as const) removeEventListener(type, this.#unlock, { capture: true });
    }
  }

  /** Stops and releases the AudioContext. */
  dispose(): void {
    this.stop();
    void this.#ctx?.close().catch(() => undefined);
    this.#ctx = null;
  }
}
