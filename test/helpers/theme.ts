import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';

/** The kit palette's surface colour (`src/elements/shared-styles.ts`), as computed styles give it. */
export const SURFACE = { light: 'rgb(255, 255, 255)', dark: 'rgb(43, 47, 54)' } as const;

/** Runs `test` with the system (`prefers-color-scheme`) set to light, then resets it. */
export async function onLightSystem(test: () => Promise<void>): Promise<void> {
  await emulateMedia({ colorScheme: 'light' });
  try {
    expect(matchMedia('(prefers-color-scheme: light)').matches, 'light system').to.equal(true);
    await test();
  } finally {
    await emulateMedia({ colorScheme: 'no-preference' });
  }
}

/** The computed background colour of `selector` in `el`'s shadow root. */
export function background(el: Element, selector = '[part~=base]'): string {
  const target = el.shadowRoot!.querySelector(selector);
  if (!target) throw new Error(`no ${selector} in <${el.localName}>`);
  return getComputedStyle(target).backgroundColor;
}
