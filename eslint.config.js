import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { configs as litConfigs } from 'eslint-plugin-lit';
import { configs as wcConfigs } from 'eslint-plugin-wc';
import litA11y from 'eslint-plugin-lit-a11y';
import globals from 'globals';

/*
 * Layers (docs in README "Project layout"): the lit-free core (src/store, kit, engine, protocol, i18n,
 * util, media, events) never imports lit or the element side (components/, src/elements/); within the
 * core, the store and the pure helpers stand below the kit and the engines; elements reach engines
 * only for types and never the wire protocol. test/unit/lint-layers.test.ts proves each rule fires.
 */
const LIT = { regex: '^(lit|@lit(-labs)?)(/|$)', message: 'The lit-free core does not import lit: lit glue lives in src/elements/.' };
const ELEMENT_SIDE = {
  regex: '(^|/)(components|elements)/',
  message: 'The lit-free core does not import elements (components/, src/elements/).',
};
const KIT = { regex: '(^|/)kit/', message: "Only the facade's callers import src/kit." };
const STORE = { regex: '(^|/)store/', message: 'This layer stands below the store (the kit feeds the store from engine events).' };
const ENGINE_RUNTIME = {
  regex: '(^|/)engine/',
  allowTypeImports: true,
  message: 'Only engine types here (import type): the kit drives engines.',
};
const ENGINE = { regex: '(^|/)engine/', message: 'The wire protocol stands below the engines.' };
/** `@typescript-eslint/no-restricted-imports` with these patterns, for `files`. */
const layer = (files, ...patterns) => ({ files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'storybook-static/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'components/**/*.ts'],
    ...litConfigs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts', 'components/**/*.ts'],
    ...wcConfigs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts', 'components/**/*.ts'],
    plugins: { 'lit-a11y': litA11y },
    rules: litA11y.configs.recommended.rules,
  },
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='it'][callee.property.name='only']", message: 'no focused tests' },
        { selector: "CallExpression[callee.object.name='describe'][callee.property.name='only']", message: 'no focused tests' },
      ],
    },
  },
  // Layering (later entries win for a file, so each lists everything its folder may not import).
  layer(['src/{kit,media,events}/**/*.ts'], LIT, ELEMENT_SIDE),
  layer(['src/store/**/*.ts'], LIT, ELEMENT_SIDE, KIT, ENGINE_RUNTIME),
  layer(['src/{i18n,util}/**/*.ts'], LIT, ELEMENT_SIDE, KIT, STORE, ENGINE_RUNTIME),
  layer(['src/engine/**/*.ts'], LIT, ELEMENT_SIDE, KIT, STORE),
  layer(['src/protocol/**/*.ts'], LIT, ELEMENT_SIDE, KIT, STORE, ENGINE),
  layer(
    ['components/**/*.ts'],
    { ...ENGINE_RUNTIME, regex: '(^|/)src/engine/' },
    { regex: '(^|/)src/protocol/', message: 'Elements do not use the wire protocol: limits live in src/constants.ts.' },
  ),
);
