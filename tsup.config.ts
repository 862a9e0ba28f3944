import { readFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

// The library's small runtime dependencies are bundled so dist/ is self-contained: a Deno file
// import or a browser <script type="module"> needs nothing else, and an installed package has no
// runtime dependencies at all.
const BUNDLED = ['pickleparser', 'fflate', 'upng-js', 'pako', 'jpeg-js', 'xpath', '@xmldom/xmldom', 'hash-wasm', 'hyparquet', 'hyparquet-writer', 'hyparquet-compressors', 'fzstd'];

/** esbuild plugins of both builds. */
const plugins = [
  {
    // hyparquet's package entry for Node ("default" in its exports map) imports 'fs' for its file
    // helpers, which cifarkit does not use; a bare 'hyparquet' (hyparquet-writer imports one)
    // takes the entry without it, as the "browser" condition would.
    name: 'hyparquet-without-fs',
    setup(build: import('esbuild').PluginBuild) {
      build.onResolve({ filter: /^hyparquet$/ }, (args) => build.resolve('hyparquet/src/index.js', { kind: args.kind, resolveDir: args.resolveDir }));
      // Their JSDoc types name their own source files (`import('../src/types.js')`); esbuild keeps
      // some of those comments, and Deno's type check then looks for the files beside dist/.
      build.onLoad({ filter: /[\\/]node_modules[\\/]hyparquet(-writer|-compressors)?[\\/].*\.js$/ }, async (args) => ({
        contents: (await readFile(args.path, 'utf8')).replace(/import\((['"])[^'"]*\1\)(\.[\w$]+)*/g, 'any'),
        loader: 'js' as const,
      }));
    },
  },
];

export default defineConfig([
  {
    entry: { index: 'src/index.ts', browser: 'src/browser.ts', pickle: 'src/pickle/index.ts', 'encode-worker': 'src/io/encode-worker.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'neutral',
    // Declarations of the two runtime entries (one file each; see the pickle build below).
    dts: { entry: { index: 'src/index.ts', browser: 'src/browser.ts', 'encode-worker': 'src/io/encode-worker.ts' } },
    sourcemap: true,
    splitting: true,
    noExternal: BUNDLED,
    esbuildPlugins: plugins,
    external: [/^node:/],
    // Keep `node:` in Node built-in imports: Deno resolves `node:fs`, not a bare `fs`.
    removeNodeProtocol: false,
    // upng-js's debug log reads process.env.NODE_ENV: that would need --allow-env under Deno.
    define: { 'process.env.NODE_ENV': '"production"' },
  },
  {
    // cifarkit/pickle's declarations, in a file of their own: built together with the entries'
    // they would share a declaration chunk, whose import Deno's type check cannot resolve. Its
    // code is dist/pickle.js of the first build (shared chunks, one NdArray class).
    entry: { pickle: 'src/pickle/index.ts' },
    format: ['esm'],
    dts: { only: true },
  },
  {
    // The `cifarkit` command (Node): also bundles the CLI's own libraries (yargs, cli-progress).
    // cli-progress is CommonJS and calls require() for Node built-ins, hence the banner.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: false,
    sourcemap: true,
    noExternal: [...BUNDLED, 'yargs', 'cli-progress'],
    esbuildPlugins: plugins,
    removeNodeProtocol: false,
    banner: { js: "import { createRequire as __cifarkitCreateRequire } from 'node:module';\nconst require = __cifarkitCreateRequire(import.meta.url);" },
  },
]);
