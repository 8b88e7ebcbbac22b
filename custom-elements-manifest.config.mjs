/**
 * Custom elements manifest (`npm run manifest`): analyses the elements' JSDoc (`@event`, `@slot`,
 * `@csspart`, `@cssproperty`, `@cssstate`) and lit decorators. The classes are registered in
 * `src/define.ts` (not next to the class), so the plugin below gives each class its tag from the tag
 * table (`src/element-tags.ts`, loaded with tsx), and strips private/protected members and lit internals.
 */
import { tsImport } from 'tsx/esm/api';

/** @type {{ ELEMENT_TAGS: readonly { tag: string; className: string }[] }} */
const { ELEMENT_TAGS } = await tsImport('./src/element-tags.ts', import.meta.url);
/** Class name → tag. */
const tags = new Map(ELEMENT_TAGS.map((e) => [e.className, e.tag]));

/** @type {import('@custom-elements-manifest/analyzer').Plugin} */
const tagsFromDefine = {
  name: 'callkit-tags-from-define',
  packageLinkPhase({ customElementsManifest }) {
    // The analyzer lists modules in the order its file search returns them, which varies between
    // runs: sort by path so the manifest (and the test that regenerates it) is stable.
    customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const mod of customElementsManifest.modules) {
      for (const decl of mod.declarations ?? []) {
        if (decl.kind !== 'class') continue;
        const tag = tags.get(decl.name);
        if (tag) {
          decl.tagName = tag;
          decl.customElement = true;
        }
        // Public API only: private/protected and `_`/`#` members are implementation details.
        if (decl.members)
          decl.members = decl.members.filter((m) => !m.privacy && !m.name.startsWith('_') && !m.name.startsWith('#') && !m.static);
        // The JSDoc `@event` lines are the contract (STYLE.md: every event is documented). What the
        // analyzer guesses from `dispatchEvent(new SomeEvent(...))` calls (no name, or a variable's
        // name such as `detail`) is dropped unless a documented event of that name exists.
        if (decl.events) decl.events = decl.events.filter((e) => e.name && e.description);
      }
    }
  },
};

export default {
  globs: ['components/**/*.ts'],
  exclude: ['components/**/*.styles.ts', 'components/**/*.test.ts', 'components/**/*.stories.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  dependencies: false,
  plugins: [tagsFromDefine],
};
