/**
 * Minifies the lit `css` template literals of the style modules (`*.styles.ts`,
 * `src/elements/shared-styles.ts`) at build time: comments go, whitespace collapses, and the spaces
 * around `{ } ; , >` and after `:` are dropped, and so is the last `;` of a block. `${…}` interpolations are kept as written. Used by the
 * library build (vite.config.ts) and the size budgets (scripts/size.ts), so both measure what ships.
 */

/** Files whose `css` literals are minified. */
export const STYLE_FILES = /(\.styles|[\\/]shared-styles)\.ts$/;

function minifyCss(text) {
  return text
    .split(/(\$\{[^}]*\})/)
    .map((part, i) =>
      i % 2
        ? part
        : part
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/\s+/g, ' ')
            .replace(/\s*([{};,>])\s*/g, '$1')
            .replace(/:\s+/g, ':')
            .replace(/;}/g, '}')
            .replace(/ !important/g, '!important'),
    )
    .join('')
    .trim();
}

/** `source` with every css`…` literal minified. */
export function minifyCssLiterals(source) {
  return source.replace(/\bcss`([^`]*)`/g, (_, body) => `css\`${minifyCss(body)}\``);
}

/** The same as an esbuild plugin. */
export const minifyCssPlugin = {
  name: 'minify-css-literals',
  setup(build) {
    build.onLoad({ filter: STYLE_FILES }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      return { contents: minifyCssLiterals(await readFile(args.path, 'utf8')), loader: 'ts' };
    });
  },
};

/** The same as a Vite (rollup) plugin, for builds. */
export function minifyCssVitePlugin() {
  return {
    name: 'minify-css-literals',
    apply: 'build',
    transform(code, id) {
      return STYLE_FILES.test(id.split('?')[0]) ? { code: minifyCssLiterals(code), map: null } : undefined;
    },
  };
}
