/**
 * The kit's own ringtones, synthesized as WAV files (16-bit mono PCM): a ringback tone for the
 * caller while dialing (440 + 480 Hz, 1 s on, 3 s off), a two-tone ring for the callee
 * (620 + 780 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 1.6 s off) and a discreet call-waiting tone heard
 * during a call while another call waits (440 Hz, two 0.2 s beeps every 4 s). One loop of each;
 * players loop them.
 *
 * Pure and DOM-free: `scripts/make-ringtones.mjs` writes the same bytes to `assets/`, and the
 * kit's player builds them in memory (a Blob URL), so the bundle carries no audio data.
 */
export type ToneKind = 'dialing' | 'ringing' | 'waiting';

interface Pattern {
  /** Frequencies (Hz) sounding together. */
  tones: readonly number[];
  /** On/off durations in seconds, starting with "on". */
  cadence: readonly number[];
}

export const TONE_PATTERNS: Readonly<Record<ToneKind, Pattern>> = {
  dialing: { tones: [440, 480], cadence: [1, 3] },
  ringing: { tones: [620, 780], cadence: [0.4, 0.2, 0.4, 1.6] },
  waiting: { tones: [440], cadence: [0.2, 0.2, 0.2, 3.4] },
};

const SAMPLE_RATE = 8000;
/** Fade in/out of each burst (s): no clicks. */
const RAMP = 0.01;
const LEVEL = 0.25;

/** One loop of the tone `kind` as a complete WAV file. */
export function toneWav(kind: ToneKind): Uint8Array {
  const { tones, cadence } = TONE_PATTERNS[kind];
  const total = Math.round(cadence.reduce((a, b) => a + b, 0) * SAMPLE_RATE);
  const samples = new Int16Array(total);
  let start = 0;
  cadence.forEach((seconds, i) => {
    const length = Math.round(seconds * SAMPLE_RATE);
    if (i % 2 === 0) {
      for (let n = 0; n < length; n++) {
        const t = n / SAMPLE_RATE;
        const envelope = Math.min(1, t / RAMP, (seconds - t) / RAMP);
        const value = tones.reduce((sum, f) => sum + Math.sin(2 * Math.PI * f * t), 0) / tones.length;
        samples[start + n] = Math.round(value * envelope * LEVEL * 32767);
      }
    }
    start += length;
  });
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => [...text].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, SAMPLE_RATE, true);
  view.setUint32(28, SAMPLE_RATE * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  samples.forEach((s, i) => view.setInt16(44 + i * 2, s, true));
  return bytes;
}
