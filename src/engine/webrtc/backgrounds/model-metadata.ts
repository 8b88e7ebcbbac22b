/**
 * Gives the selfie-segmentation model of `@mediapipe/selfie_segmentation` the TFLite metadata that
 * MediaPipe's ImageSegmenter (`@mediapipe/tasks-vision`) needs: the model takes float RGB in [0, 1],
 * and the task refuses a float input without `NormalizationOptions` (mean 0, std 255 here). The
 * file in the package is not modified; its bytes are patched in memory when the worker loads it.
 *
 * How: FlatBuffers offsets only point forward, so a new root `Model` table is written in front of
 * the original bytes (shifted by a multiple of 16, which keeps every alignment). It refers to the
 * original tables (operator codes, subgraphs, ...) and to two new vectors: `buffers` (the original
 * buffers plus one holding the metadata) and `metadata` (plus a `TFLITE_METADATA` entry). The
 * original root table stays behind, unused. Schemas: TFLite `schema.fbs` and `metadata_schema.fbs`.
 *
 * Pure functions over bytes: no DOM, no worker API (unit-tested in Node).
 */

/** What a FlatBuffer field holds, for {@link writeForward}. */
type Node =
  | { kind: 'table'; fields: (Field | undefined)[] }
  | { kind: 'vector'; items: Node[] }
  | { kind: 'floats'; values: number[] }
  | { kind: 'bytes'; data: Uint8Array; align: number }
  | { kind: 'string'; value: string }
  /** An object already in the buffer, by its position in the original bytes. */
  | { kind: 'existing'; position: number };

type Field = { u8: number } | { u32: number } | { ref: Node };

const table = (...fields: (Field | undefined)[]): Node => ({ kind: 'table', fields });
const str = (value: string): Field => ({ ref: { kind: 'string', value } });
const vec = (...items: Node[]): Field => ({ ref: { kind: 'vector', items } });

/**
 * Lays out `root` front to back after a header of `header` bytes: every reference points forward.
 * Returns the bytes (without the header) and a patcher for references to existing objects, which
 * needs the final distance from this layout to the original bytes.
 */
function writeForward(root: Node, header: number): { bytes: Uint8Array; rootPos: number; existing: { at: number; position: number }[] } {
  let buf = new Uint8Array(1024);
  let view = new DataView(buf.buffer);
  let size = header;
  const existing: { at: number; position: number }[] = [];
  const ensure = (n: number) => {
    if (size + n + 32 <= buf.length) return;
    const next = new Uint8Array(Math.max(buf.length * 2, size + n + 1024));
    next.set(buf);
    buf = next;
    view = new DataView(buf.buffer);
  };
  const alignTo = (align: number, after = 0) => {
    while ((size + after) % align !== 0) size++;
    ensure(0);
  };
  const later: { at: number; node: Node }[] = [];

  const write = (node: Node): number => {
    switch (node.kind) {
      case 'existing':
        throw new Error('existing objects are referenced, not written');
      case 'string': {
        const text = new TextEncoder().encode(node.value);
        alignTo(4);
        ensure(4 + text.length + 1);
        const pos = size;
        view.setUint32(pos, text.length, true);
        buf.set(text, pos + 4);
        size += 4 + text.length + 1;
        return pos;
      }
      case 'floats': {
        alignTo(4);
        ensure(4 + node.values.length * 4);
        const pos = size;
        view.setUint32(pos, node.values.length, true);
        node.values.forEach((v, i) => view.setFloat32(pos + 4 + i * 4, v, true));
        size += 4 + node.values.length * 4;
        return pos;
      }
      case 'bytes': {
        alignTo(node.align, 4);
        ensure(4 + node.data.length);
        const pos = size;
        view.setUint32(pos, node.data.length, true);
        buf.set(node.data, pos + 4);
        size += 4 + node.data.length;
        return pos;
      }
      case 'vector': {
        alignTo(4);
        ensure(4 + node.items.length * 4);
        const pos = size;
        view.setUint32(pos, node.items.length, true);
        size += 4 + node.items.length * 4;
        node.items.forEach((item, i) => later.push({ at: pos + 4 + i * 4, node: item }));
        return pos;
      }
      case 'table': {
        const fields = node.fields;
        // Inline layout: the soffset to the vtable, then 4 bytes per field (u8 padded).
        alignTo(2);
        const vtableSize = 4 + fields.length * 2;
        ensure(vtableSize + 4 + 4 * fields.length + 4);
        const vtable = size;
        size += vtableSize;
        alignTo(4);
        const pos = size;
        size += 4;
        view.setUint16(vtable, vtableSize, true);
        const offsets: number[] = [];
        fields.forEach((field, i) => {
          if (!field) {
            offsets[i] = 0;
            return;
          }
          const at = size;
          offsets[i] = at - pos;
          if ('u8' in field) view.setUint8(at, field.u8);
          else if ('u32' in field) view.setUint32(at, field.u32, true);
          else later.push({ at, node: field.ref });
          size += 4;
        });
        view.setUint16(vtable + 2, size - pos, true);
        offsets.forEach((o, i) => view.setUint16(vtable + 4 + i * 2, o, true));
        view.setInt32(pos, pos - vtable, true);
        return pos;
      }
    }
  };

  const rootPos = write(root);
  while (later.length) {
    const { at, node } = later.shift()!;
    if (node.kind === 'existing') {
      existing.push({ at, position: node.position });
      continue;
    }
    const target = write(node);
    view.setUint32(at, target - at, true);
  }
  return { bytes: buf.slice(0, size), rootPos, existing };
}

/** Minimal reader of a FlatBuffer table's reference fields. */
class TableReader {
  constructor(
    readonly view: DataView,
    readonly pos: number,
  ) {}

  static root(bytes: Uint8Array): TableReader {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new TableReader(view, view.getUint32(0, true));
  }

  #fieldAt(id: number): number {
    const vtable = this.pos - this.view.getInt32(this.pos, true);
    const vtableSize = this.view.getUint16(vtable, true);
    if (4 + id * 2 >= vtableSize) return 0;
    const offset = this.view.getUint16(vtable + 4 + id * 2, true);
    return offset ? this.pos + offset : 0;
  }

  /** Absolute position of the object field `id` refers to (0: absent). */
  ref(id: number): number {
    const at = this.#fieldAt(id);
    return at ? at + this.view.getUint32(at, true) : 0;
  }

  u32(id: number): number | undefined {
    const at = this.#fieldAt(id);
    return at ? this.view.getUint32(at, true) : undefined;
  }

  /** Absolute positions of the objects a vector of references at `vector` points to. */
  vectorRefs(vector: number): number[] {
    if (!vector) return [];
    const n = this.view.getUint32(vector, true);
    return Array.from({ length: n }, (_, i) => {
      const at = vector + 4 + i * 4;
      return at + this.view.getUint32(at, true);
    });
  }

  table(pos: number): TableReader {
    return new TableReader(this.view, pos);
  }

  string(pos: number): string {
    const n = this.view.getUint32(pos, true);
    return new TextDecoder().decode(new Uint8Array(this.view.buffer, this.view.byteOffset + pos + 4, n));
  }
}

/** The `ModelMetadata` FlatBuffer (identifier `M001`) for an RGB image input normalized by mean/std. */
export function imageInputMetadata(name: string, mean: number[], std: number[]): Uint8Array {
  const normalization = table({ ref: { kind: 'floats', values: mean } }, { ref: { kind: 'floats', values: std } });
  const imageProperties = table({ u8: 1 /* ColorSpaceType.RGB */ });
  const content = table({ u8: 2 /* ContentProperties.ImageProperties */ }, { ref: imageProperties });
  const input = table(
    str('image'),
    undefined,
    undefined,
    { ref: content },
    vec(table({ u8: 1 /* NormalizationOptions */ }, { ref: normalization })),
  );
  const output = table(str('segmentation'));
  const subgraph = table(undefined, undefined, vec(input), vec(output));
  const root = table(str(name), undefined, undefined, vec(subgraph), undefined, undefined, undefined, str('1.0.0'));
  const { bytes, rootPos } = writeForward(root, 8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, rootPos, true);
  bytes.set(new TextEncoder().encode('M001'), 4);
  return bytes;
}

/** Whether `model` (a .tflite file) already carries a `TFLITE_METADATA` entry. */
export function hasTfliteMetadata(model: Uint8Array): boolean {
  const root = TableReader.root(model);
  return root.vectorRefs(root.ref(6)).some((entry) => root.string(root.table(entry).ref(0)) === 'TFLITE_METADATA');
}

/** `model` with `metadata` added as its `TFLITE_METADATA` (returned unchanged when it has one). */
export function withTfliteMetadata(model: Uint8Array, metadata: Uint8Array): Uint8Array {
  if (hasTfliteMetadata(model)) return model;
  const root = TableReader.root(model);
  const identifier = model.slice(4, 8);
  const existing = (pos: number): Node => ({ kind: 'existing', position: pos });
  const keep = (id: number): Field | undefined => {
    const pos = root.ref(id);
    return pos ? { ref: existing(pos) } : undefined;
  };
  const buffers = root.vectorRefs(root.ref(4)).map(existing);
  const metadataEntries = root.vectorRefs(root.ref(6)).map(existing);
  const newModel = table(
    { u32: root.u32(0) ?? 3 },
    keep(1),
    keep(2),
    keep(3),
    vec(...buffers, table({ ref: { kind: 'bytes', data: metadata, align: 16 } })),
    keep(5),
    vec(...metadataEntries, table(str('TFLITE_METADATA'), { u32: buffers.length })),
    keep(7),
  );
  const { bytes, rootPos, existing: refs } = writeForward(newModel, 8);
  const shift = Math.ceil(bytes.length / 16) * 16;
  const out = new Uint8Array(shift + model.length);
  out.set(bytes);
  out.set(model, shift);
  const view = new DataView(out.buffer);
  view.setUint32(0, rootPos, true);
  out.set(identifier, 4);
  for (const { at, position } of refs) view.setUint32(at, shift + position - at, true);
  return out;
}

/** Reads back the normalization of the first input (tests and a sanity check of the patch). */
export function readInputNormalization(model: Uint8Array): { mean: number[]; std: number[] } | null {
  const root = TableReader.root(model);
  const buffers = root.vectorRefs(root.ref(4));
  for (const entry of root.vectorRefs(root.ref(6))) {
    const meta = root.table(entry);
    if (root.string(meta.ref(0)) !== 'TFLITE_METADATA') continue;
    const data = root.table(buffers[meta.u32(1) ?? 0]!).ref(0);
    const length = root.view.getUint32(data, true);
    const md = TableReader.root(new Uint8Array(model.buffer, model.byteOffset + data + 4, length));
    const subgraph = md.table(md.vectorRefs(md.ref(3))[0]!);
    const input = md.table(md.vectorRefs(subgraph.ref(2))[0]!);
    const unit = md.table(md.vectorRefs(input.ref(4))[0]!);
    const normalization = md.table(unit.ref(1));
    const floats = (pos: number) =>
      Array.from({ length: md.view.getUint32(pos, true) }, (_, i) => md.view.getFloat32(pos + 4 + i * 4, true));
    return { mean: floats(normalization.ref(0)), std: floats(normalization.ref(1)) };
  }
  return null;
}
