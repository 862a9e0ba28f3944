import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', browser: 'src/browser.ts', cli: 'src/cli/main.ts', 'encode-worker': 'src/io/encode-worker.ts' },
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  dts: true,
  clean: true,
  sourcemap: true,
  splitting: true,
  // Bundle the small runtime dependencies so dist/ is self-contained: a Deno file import or a
  // browser <script type="module"> needs nothing else.
  noExternal: ['pickleparser', 'fflate', 'upng-js', 'pako', 'jpeg-js', 'xpath', '@xmldom/xmldom', 'hash-wasm'],
  external: [/^node:/],
});
