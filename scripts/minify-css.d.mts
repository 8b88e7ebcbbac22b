import type { Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin as VitePlugin } from 'vite';

export const STYLE_FILES: RegExp;
export function minifyCssLiterals(source: string): string;
export const minifyCssPlugin: EsbuildPlugin;
export function minifyCssVitePlugin(): VitePlugin;
