export const BACKGROUND_ASSETS_URL: string;
export const BACKGROUND_ASSET_FILES: Record<string, string>;
export function backgroundAsset(name: string): { body: Buffer; type: string } | null;
