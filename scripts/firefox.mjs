// Where Firefox is and how tests start it: Debian's `firefox-esr` (or $FIREFOX_PATH), driven by
// puppeteer-core over WebDriver BiDi (no browser download). Fake camera and microphone, no permission
// prompts, and host candidates on loopback so two browsers on one machine can call each other.
import { existsSync } from 'node:fs';

export function firefoxPath() {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) {
    throw new Error("No Firefox found: install Debian's `firefox-esr` (apt-get install -y firefox-esr) or set FIREFOX_PATH.");
  }
  return found;
}

/** Preferences of the throwaway profile puppeteer creates for each launch. */
export const firefoxPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.peerconnection.ice.link_local': true,
  'media.autoplay.default': 0,
  // A light system, as Chromium's default: BiDi cannot emulate prefers-color-scheme (firefox-launcher.mjs).
  'layout.css.prefers-color-scheme.content-override': 1,
  'media.autoplay.blocking_policy': 0,
  // Web Audio without a user gesture (the volume meters), as Chromium's --autoplay-policy flag.
  'media.autoplay.block-webaudio': false,
  'network.dns.disableIPv6': true,
  'browser.shell.checkDefaultBrowser': false,
  'app.update.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
};

/** `puppeteer.launch` options for headless Firefox over WebDriver BiDi. */
export function firefoxLaunchOptions() {
  return {
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: firefoxPath(),
    headless: true,
    extraPrefsFirefox: firefoxPrefs,
    // A root container has no user namespace for the content sandbox.
    env: { ...process.env, MOZ_DISABLE_CONTENT_SANDBOX: '1', MOZ_DISABLE_GMP_SANDBOX: '1', MOZ_CRASHREPORTER_DISABLE: '1' },
  };
}
