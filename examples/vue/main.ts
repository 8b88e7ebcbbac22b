import { createApp } from 'vue';
import 'callkit-elements/define.js';
import App from './App.vue';

createApp(App).mount('#app');
