/// <reference types="vite/client" />
import type { Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import manifest from '../custom-elements.json?raw';
import '../src/define.js';

// Controls and docs tables come from the custom elements manifest (npm run manifest).
setCustomElementsManifest(JSON.parse(manifest));

const preview: Preview = {
  parameters: {
    controls: { expanded: true },
    layout: 'fullscreen',
  },
};
export default preview;
