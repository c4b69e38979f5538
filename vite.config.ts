import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { minifyHTMLLiterals } from '@lit-labs/rollup-plugin-minify-html-literals/lib/minify-html-literals.js';
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
//
// Both builds minify the markup and CSS inside Lit's html`` and css`` templates
// (minifyTemplates()); the dev server serves them as written.

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

const src = fileURLToPath(new URL('src/', import.meta.url));
const serverSrc = fileURLToPath(new URL('src/server/', import.meta.url));

/**
 * Minifies the markup and CSS inside Lit's html`` and css`` templates in src/ at build time: the
 * JS minifier keeps template strings verbatim, so without this their indentation, newlines and CSS
 * ship as written. Lit's own plugin (html-minifier-next for the markup, lightningcss for the CSS)
 * keeps Lit's bindings (`.prop=`, `?attr=`, `@event=`, `${}` in text), attribute values, `<pre>`,
 * and one space wherever whitespace between inline content shows (`<span>a</span> <button>`); it
 * drops only whitespace a page does not render (`<button>\n  ${label}\n</button>` becomes
 * `<button>${label}</button>`). Text in an element styled `white-space: pre*` would lose its
 * whitespace too: no template has one.
 */
function minifyTemplates(): Plugin {
  return {
    name: 'minify-templates',
    apply: 'build',
    // What the package's Rollup plugin does, called directly: that plugin is typed against
    // Rollup's plugin context, not Rolldown's.
    async transform(code, id) {
      // src/server is Node code without templates.
      if (!id.startsWith(src) || id.startsWith(serverSrc) || !id.endsWith('.ts')) return null;
      const result = await minifyHTMLLiterals(code, { fileName: id });
      // Its map type allows a string `version`, Rolldown's does not: the JSON text is the same map.
      return result && { code: result.code, map: result.map?.toString() };
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
      plugins: [minifyTemplates()],
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
          // <script> tags, not for a bundler to tree-shake, so squeeze it fully: its
          // /* @__PURE__ */ annotations (2.5 KB, about 230 B gzip) only help a bundler.
          output: { codeSplitting: false, minify: true, comments: false },
        },
      },
    };
  }

  return {
    // The dev server (npm start) serves the demo page; without this it also scans examples/,
    // whose framework apps have their own Vite configs.
    optimizeDeps: { entries: ['index.html'] },
    plugins: [cleanDistKeepingTypes(), minifyTemplates()],
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
