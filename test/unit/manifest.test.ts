/**
 * The custom elements manifest and everything generated from it are committed: regenerating them
 * (`npm run manifest`, here into a scratch folder) must give the same bytes, and the manifest must
 * describe every element of the tag table (src/element-tags.ts, which src/define.ts registers) with its API.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ELEMENT_TAGS } from '../../src/element-tags.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const GENERATED = [
  'custom-elements.json',
  'src/react/index.ts',
  'types/vue.d.ts',
  'types/jsx.d.ts',
  'vscode.html-custom-data.json',
  'docs/elements.md',
];

interface Decl {
  kind: string;
  name: string;
  tagName?: string;
  customElement?: boolean;
  members?: { kind: string; name: string; privacy?: string }[];
  attributes?: { name: string }[];
  events?: { name: string; description?: string }[];
  cssParts?: { name: string }[];
  cssProperties?: { name: string }[];
  cssStates?: { name: string }[];
  slots?: { name: string }[];
}
interface Manifest {
  modules: { path: string; declarations?: Decl[] }[];
}

describe('custom elements manifest and generated files', () => {
  const out = mkdtempSync(join(tmpdir(), 'ck-manifest-'));
  before(() => {
    // The analyzer joins --outdir to the cwd: give it a relative path.
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/@custom-elements-manifest/analyzer/cem.js'),
        'analyze',
        '--config',
        'custom-elements-manifest.config.mjs',
        '--quiet',
        '--outdir',
        relative(root, out),
      ],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
    execFileSync(
      process.execPath,
      [join(root, 'scripts/gen-from-manifest.mjs'), '--manifest', join(out, 'custom-elements.json'), '--out', out],
      { cwd: root, stdio: 'pipe' },
    );
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  for (const file of GENERATED) {
    it(`${file} is up to date (run npm run manifest)`, () => {
      assert.equal(
        readFileSync(join(out, file), 'utf8'),
        readFileSync(join(root, file), 'utf8'),
        `${file} differs from a fresh generation`,
      );
    });
  }

  it('describes every element of the tag table, with its API', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8')) as Manifest;
    const tags = ELEMENT_TAGS.map((e) => ({ tag: e.tag, cls: e.className, file: e.file }));
    assert.ok(tags.length >= 9, `tags in src/element-tags.ts: ${tags.length}`);
    const elements = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.customElement);
    assert.deepEqual(elements.map((d) => d.tagName).sort(), tags.map((t) => t.tag).sort());
    for (const { tag, cls, file } of tags) {
      const el = elements.find((d) => d.tagName === tag)!;
      assert.equal(el.name, cls, tag);
      assert.ok(
        manifest.modules.some((m) => m.path === file && m.declarations?.includes(el)),
        `${tag} is declared in ${file}`,
      );
      assert.ok(
        (el.cssParts ?? []).some((p) => p.name === 'base' || p.name.length > 0),
        `${tag} documents parts`,
      );
      assert.ok(
        (el.cssProperties ?? []).every((p) => p.name.startsWith('--ck-')),
        `${tag}: CSS properties use the --ck- prefix`,
      );
      assert.ok(
        (el.events ?? []).every((e) => /^ck-[a-z-]+$/.test(e.name)),
        `${tag}: events use the ck- prefix`,
      );
      assert.ok(
        (el.members ?? []).every((m) => !m.privacy && !m.name.startsWith('_')),
        `${tag}: only public members`,
      );
    }
    const kit = elements.find((d) => d.tagName === 'call-kit')!;
    assert.deepEqual((kit.events ?? []).map((e) => e.name).sort(), [
      'ck-call-ended',
      'ck-error',
      'ck-kicked-out',
      'ck-minimized-changed',
      'ck-missed-calls',
      'ck-presence-changed',
      'ck-status-changed',
      'ck-user-accepted',
      'ck-user-busy',
      'ck-user-declined',
      'ck-user-invited',
      'ck-user-joined',
      'ck-user-left',
      'ck-user-no-response',
      'ck-video-request',
      'ck-video-request-ended',
    ]);
    assert.ok((kit.attributes ?? []).some((a) => a.name === 'theme'));
    assert.ok((kit.cssStates ?? []).some((s) => s.name === 'ringing'));
    const view = elements.find((d) => d.tagName === 'call-view')!;
    assert.ok((view.slots ?? []).length > 0, 'call-view documents its slots');
  });

  it('the generated Vue/JSX types and the examples using them type-check (tsc -p examples)', () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = (() => {
      try {
        return execFileSync(process.execPath, [tsc, '-p', join(root, 'examples/tsconfig.json')], { cwd: root, encoding: 'utf8' });
      } catch (error) {
        return (error as { stdout: string }).stdout;
      }
    })();
    assert.equal(result, '');
  });

  it('the React wrappers map every manifest event to an on<Event> prop', () => {
    const react = readFileSync(join(root, 'src/react/index.ts'), 'utf8');
    assert.match(react, /onCkStatusChanged: 'ck-status-changed' as EventName<KitEventMap\['ck-status-changed'\]>/);
    assert.match(react, /onCkAcceptRequest: 'ck-accept-request' as EventName<GlobalEventHandlersEventMap\['ck-accept-request'\]>/);
    const vue = readFileSync(join(root, 'types/vue.d.ts'), 'utf8');
    assert.match(vue, /'call-kit': DefineComponent<CallkitVue\.CallKitProps>/);
    const data = JSON.parse(readFileSync(join(root, 'vscode.html-custom-data.json'), 'utf8')) as {
      tags: { name: string; attributes: { name: string; values?: { name: string }[] }[] }[];
    };
    const theme = data.tags.find((t) => t.name === 'call-kit')?.attributes.find((a) => a.name === 'theme');
    assert.deepEqual(
      theme?.values?.map((v) => v.name),
      ['light', 'dark'],
    );
  });
});
