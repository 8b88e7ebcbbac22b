import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  hasTfliteMetadata,
  imageInputMetadata,
  readInputNormalization,
  withTfliteMetadata,
} from '../../src/engine/webrtc/backgrounds/model-metadata.js';

const require = createRequire(import.meta.url);
const modelPath = require.resolve('@mediapipe/selfie_segmentation/selfie_segmentation.tflite');

/** Position of the object that root field `id` refers to. */
function rootRef(bytes: Uint8Array, id: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const root = view.getUint32(0, true);
  const vtable = root - view.getInt32(root, true);
  const offset = view.getUint16(vtable + 4 + id * 2, true);
  return offset ? root + offset + view.getUint32(root + offset, true) : 0;
}

test('the packaged selfie model has no TFLite metadata (why the patch exists)', () => {
  const model = new Uint8Array(readFileSync(modelPath));
  assert.equal(new TextDecoder().decode(model.slice(4, 8)), 'TFL3');
  assert.equal(hasTfliteMetadata(model), false);
  assert.equal(readInputNormalization(model), null);
});

test('withTfliteMetadata: a new root carries the input normalization; the original tables are shared', () => {
  const model = new Uint8Array(readFileSync(modelPath));
  const patched = withTfliteMetadata(model, imageInputMetadata('selfie_segmentation', [0], [255]));
  assert.equal(new TextDecoder().decode(patched.slice(4, 8)), 'TFL3');
  assert.equal(hasTfliteMetadata(patched), true);
  assert.deepEqual(readInputNormalization(patched), { mean: [0], std: [255] });
  const shift = patched.length - model.length;
  assert.equal(shift % 16, 0, 'the original bytes keep their 16-byte alignment');
  assert.deepEqual(patched.subarray(shift), model, 'the original bytes follow unchanged');
  for (const id of [1, 2]) assert.equal(rootRef(patched, id), shift + rootRef(model, id), `field ${id} points at the original table`);
  // Idempotent: a model that has metadata is returned as is.
  assert.equal(withTfliteMetadata(patched, imageInputMetadata('x', [1], [1])), patched);
});

test('imageInputMetadata: an M001 FlatBuffer', () => {
  const md = imageInputMetadata('m', [127.5], [127.5]);
  assert.equal(new TextDecoder().decode(md.slice(4, 8)), 'M001');
  assert.equal(md.length % 4, 0);
});
