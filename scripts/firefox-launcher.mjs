// web-test-runner launcher for Firefox (Debian's firefox-esr or $FIREFOX_PATH) over WebDriver BiDi:
// @web/test-runner-chrome's puppeteer launcher given puppeteer-core and Firefox launch options, with
// the page the test commands drive adapted where puppeteer's BiDi layer differs from its CDP one:
// - sendKeys: chords ('Shift+ArrowDown') are pressed as modifiers down, key, modifiers up (puppeteer's
//   keyboard.press takes one key), and 'Space' is sent as ' ' (the BiDi keyboard has no such name);
// - emulateMedia: prefers-color-scheme cannot be emulated without CDP, so the profile pins it to light
//   (`layout.css.prefers-color-scheme.content-override`); 'light' and 'no-preference' (back to the
//   profile's) are accepted, anything else fails loudly.
import { chromeLauncher } from '@web/test-runner-chrome';
import * as puppeteerCore from 'puppeteer-core';
import { firefoxLaunchOptions } from './firefox.mjs';

const KEY_NAMES = { Space: ' ' };
const keyName = (key) => KEY_NAMES[key] ?? key;

function adaptKeyboard(keyboard) {
  return {
    async press(key, options) {
      const parts = key.length > 1 ? key.split('+') : [key];
      const last = parts.pop();
      for (const modifier of parts) await keyboard.down(keyName(modifier));
      await keyboard.press(keyName(last), options);
      for (const modifier of parts.reverse()) await keyboard.up(keyName(modifier));
    },
    down: (key, options) => keyboard.down(keyName(key), options),
    up: (key) => keyboard.up(keyName(key)),
    type: (text, options) => keyboard.type(text, options),
    sendCharacter: (char) => keyboard.sendCharacter(char),
  };
}

async function emulateMediaFeatures(features) {
  for (const { name, value } of features ?? []) {
    if (name === 'prefers-color-scheme' && (value === 'light' || value === 'no-preference' || value === '')) continue;
    throw new Error(`Firefox over WebDriver BiDi cannot emulate ${name}: ${value} (the test profile is pinned to a light system)`);
  }
}

function adaptPage(page) {
  return new Proxy(page, {
    get(target, prop) {
      if (prop === 'keyboard') return adaptKeyboard(target.keyboard);
      if (prop === 'emulateMediaFeatures') return emulateMediaFeatures;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function firefoxLauncher() {
  const launcher = chromeLauncher({ puppeteer: puppeteerCore, launchOptions: firefoxLaunchOptions() });
  const getPage = launcher.getPage.bind(launcher);
  launcher.getPage = (sessionId) => adaptPage(getPage(sessionId));
  return launcher;
}
