import { readdirSync, rmSync } from 'node:fs';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

// `vite` (npm start) serves index.html and the demo; the builds below are
// libraries, so the dev server ignores them.
//
// `vite build`: readable ESM for npm, one file per public entry plus shared
// chunks, with lit and zod left as imports for the app's bundler to dedupe.
// `server` is the Node/edge entry (presigned-uploader/server): the AWS SDK and
// Node built-ins stay imports.
//
// `vite build --mode standalone`: one minified file with everything inside,
// for a plain <script type="module"> from a CDN.

/**
 * Empties dist/ except dist/types, which `tsc -p tsconfig.build.json` wrote
 * just before (`npm run build` runs tsc first; Vite's emptyOutDir would wipe it).
 */
function cleanDistKeepingTypes(): Plugin {
  return {
    name: 'clean-dist-keeping-types',
    apply: 'build',
    buildStart() {
      let names: string[];
      try {
        names = readdirSync('dist');
      } catch {
        return; // no dist/ yet
      }
      for (const name of names) {
        if (name !== 'types') rmSync(`dist/${name}`, { recursive: true, force: true });
      }
    },
  };
}

/** Runtime dependencies (and their subpaths) that the npm build leaves external. */
const external = /^(?:lit|lit-html|lit-element|@lit\/[^/]+|zod|@aws-sdk\/[^/]+|node:.*)(?:\/.*)?$/;

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'standalone') {
    return {
      // Bundled code must not look for a `process` that browsers lack.
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        emptyOutDir: false, // keeps the npm build written just before
        minify: true,
        sourcemap: true,
        lib: {
          entry: { 'presigned-uploader.standalone': 'src/presigned-uploader.ts' },
          formats: ['es'],
          fileName: (_format, name) => `${name}.js`,
        },
        rolldownOptions: {
          // Vite's lib mode keeps whitespace in ES output; this file is for
          // <script> tags, not for a bundler to tree-shake, so squeeze it fully.
          output: { codeSplitting: false, minify: true },
        },
      },
    };
  }

  return {
    // The dev server (npm start) serves the demo page; without this it also scans examples/,
    // whose framework apps have their own Vite configs.
    optimizeDeps: { entries: ['index.html'] },
    plugins: [cleanDistKeepingTypes()],
    build: {
      emptyOutDir: false, // cleanDistKeepingTypes() does it
      minify: false,
      sourcemap: true,
      lib: {
        entry: {
          index: 'src/index.ts',
          'presigned-uploader': 'src/presigned-uploader.ts',
          server: 'src/server/index.ts',
        },
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      },
      rolldownOptions: {
        external: (id) => external.test(id),
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  };
});
