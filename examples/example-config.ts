// The Vite set-up the React and Vue examples share. In an app of your own, `presigned-uploader`
// comes from node_modules and none of this is needed but your framework's plugin.
import { fileURLToPath } from 'node:url';
import type { Plugin, PluginOption, UserConfig } from 'vite';

const source = (file: string) => fileURLToPath(new URL(`../src/${file}`, import.meta.url));

/** The package's entry points, answered from this repository's sources (same names, same exports). */
const entries: Record<string, string> = {
  'presigned-uploader': source('index.ts'),
  'presigned-uploader/presigned-uploader.js': source('presigned-uploader.ts'),
};

/**
 * Resolves the package to src/. Not a plain alias: package.json `sideEffects` names only the
 * built dist/presigned-uploader.js, so an aliased src/presigned-uploader.ts would count as free
 * of side effects and `import 'presigned-uploader/presigned-uploader.js'` would be dropped from
 * the bundle, element definition and all. Installed from npm, the dist file is covered.
 */
function packageFromSources(): Plugin {
  return {
    name: 'presigned-uploader-from-sources',
    enforce: 'pre',
    resolveId(id) {
      const file = entries[id];
      return file ? { id: file, moduleSideEffects: id.endsWith('.js') ? true : null } : null;
    },
  };
}

/**
 * @param root the example's folder
 * @param plugins the framework's Vite plugin
 */
export function exampleConfig(root: string, plugins: PluginOption[]): UserConfig {
  return {
    root,
    plugins: [packageFromSources(), ...plugins],
    // `npm start` runs the demo backend on port 8787 (PORT_API); the examples call /api on their own origin.
    server: { proxy: { '/api': `http://localhost:${process.env.PORT_API ?? 8787}` } },
  };
}
