// `npm start` (the demo backend) in one terminal, then `npx vite examples/react`.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { exampleConfig } from '../example-config.js';

export default defineConfig(exampleConfig(fileURLToPath(new URL('.', import.meta.url)), [react()]));
