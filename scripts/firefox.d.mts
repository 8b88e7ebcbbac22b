export function firefoxPath(): string;
export const firefoxPrefs: Record<string, boolean | number | string>;
export function firefoxLaunchOptions(): {
  browser: 'firefox';
  protocol: 'webDriverBiDi';
  executablePath: string;
  headless: boolean;
  extraPrefsFirefox: Record<string, boolean | number | string>;
  env: Record<string, string | undefined>;
};
