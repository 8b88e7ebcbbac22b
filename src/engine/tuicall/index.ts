/**
 * The `tuicall` engine: the kit's elements on Tencent's own `TUICallEngine`
 * (`@tencentcloud/call-engine-js`, an optional peer dependency loaded with `import()` at login).
 * Pick it for TUICallKit fleets that call with v3 (the React kit, TUICallKit 4.x mobile apps);
 * the `tencent` engine needs no TUICallKit package but speaks v2 only. Import this module with
 * `import()` so pages that never use it download none of it.
 */
export { TUICallEngineAdapter } from './tuicall-engine.js';
export type { TUICallEngineOptions } from './tuicall-engine.js';
export type { TUICallEngineLike, TUICallEngineModule, TUICallEngineStatic } from './official-types.js';
