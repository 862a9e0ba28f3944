import { defineConfig } from 'tsup';

// The library's small runtime dependencies are bundled so dist/ is self-contained: a Deno file
// import or a browser <script type="module"> needs nothing else, and an installed package has no
// runtime dependencies at all.
const BUNDLED = ['pickleparser', 'fflate', 'upng-js', 'pako', 'jpeg-js', 'xpath', '@xmldom/xmldom'];

export default defineConfig([
  {
    entry: { index: 'src/index.ts', browser: 'src/browser.ts', 'encode-worker': 'src/io/encode-worker.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'neutral',
    dts: true,
    sourcemap: true,
    splitting: true,
    noExternal: BUNDLED,
    external: [/^node:/],
    // Keep `node:` in Node built-in imports: Deno resolves `node:fs`, not a bare `fs`.
    removeNodeProtocol: false,
    // upng-js's debug log reads process.env.NODE_ENV: that would need --allow-env under Deno.
    define: { 'process.env.NODE_ENV': '"production"' },
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
    removeNodeProtocol: false,
    banner: { js: "import { createRequire as __cifarkitCreateRequire } from 'node:module';\nconst require = __cifarkitCreateRequire(import.meta.url);" },
  },
]);
