// Writes the kit's own ringtones to assets/ (run: node --import tsx scripts/make-ringtones.mjs).
// The bytes come from src/media/tones.ts, the same generator the kit's player uses at run time.
import { writeFileSync, mkdirSync } from 'node:fs';
import { toneWav } from '../src/media/tones.ts';

const dir = new URL('../assets/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const kind of ['dialing', 'ringing', 'waiting']) {
  const bytes = toneWav(kind);
  writeFileSync(new URL(`ringtone-${kind}.wav`, dir), bytes);
  console.log(`assets/ringtone-${kind}.wav: ${bytes.length} bytes`);
}
