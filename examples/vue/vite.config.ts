// `npm start` (the demo backend) in one terminal, then `npx vite examples/vue`.
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { exampleConfig } from '../example-config.js';

export default defineConfig(
  exampleConfig(fileURLToPath(new URL('.', import.meta.url)), [
    // Tags with a dash are custom elements, not Vue components: Vue leaves them to the browser.
    vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.includes('-') } } }),
  ]),
);
