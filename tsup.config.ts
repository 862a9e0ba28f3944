import { readFile } from 'node:fs/promises';
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
  noExternal: ['pickleparser', 'fflate', 'upng-js', 'pako', 'jpeg-js', 'xpath', '@xmldom/xmldom', 'hyparquet', 'hyparquet-writer', 'hyparquet-compressors', 'fzstd'],
  external: [/^node:/],
  esbuildPlugins: [
    {
      // hyparquet's package entry for Node ("default" in its exports map) imports 'fs' for its file
      // helpers, which cifarkit does not use; a bare 'hyparquet' (hyparquet-writer imports one)
      // takes the entry without it, as the "browser" condition would.
      name: 'hyparquet-without-fs',
      setup(build) {
        build.onResolve({ filter: /^hyparquet$/ }, (args) => build.resolve('hyparquet/src/index.js', { kind: args.kind, resolveDir: args.resolveDir }));
        // Their JSDoc types name their own source files (`import('../src/types.js')`); esbuild keeps
        // some of those comments, and Deno's type check then looks for the files beside dist/.
        build.onLoad({ filter: /[\\/]node_modules[\\/]hyparquet(-writer|-compressors)?[\\/].*\.js$/ }, async (args) => ({
          contents: (await readFile(args.path, 'utf8')).replace(/import\((['"])[^'"]*\1\)(\.[\w$]+)*/g, 'any'),
          loader: 'js',
        }));
      },
    },
  ],
});
