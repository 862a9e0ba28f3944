// Serves the dataset viewer (web/) on http://127.0.0.1:<port> (default 5173; --port N, 0 = any free port).
// web/app.js and web/worker.js are bundled by esbuild on each request (platform browser, 'cifarkit' through the
// package's exports map, so it needs `npm run build` first: `npm run web` does both).
// Everything is served from localhost; the page loads nothing from the network.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const WEB = fileURLToPath(new URL('../web/', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.gz': 'application/gzip',
  '.zip': 'application/zip',
  '.tar': 'application/x-tar',
};

/** A script of the page: web/app.js, or web/worker.js and its imports (cifarkit, fflate), as one browser ESM bundle. */
export async function bundleApp(entry = 'app.js') {
  const result = await build({
    entryPoints: [join(WEB, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  });
  const text = result.outputFiles[0].text;
  if (/\bfrom\s*["']node:|import\(\s*["']node:/.test(text)) throw new Error('the web bundle imports node: modules');
  return text;
}

/** Starts the server; resolves to { server, url }. */
export async function startServer({ port = 5173, host = '127.0.0.1', log = () => {} } = {}) {
  const server = createServer(async (req, res) => {
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    try {
      const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405, headers).end();
      if (pathname === '/app.js' || pathname === '/worker.js') {
        const text = await bundleApp(pathname.slice(1));
        return res.writeHead(200, { ...headers, 'content-type': TYPES['.js'] }).end(text);
      }
      const rel = pathname === '/' ? 'index.html' : pathname.slice(1);
      const path = normalize(join(WEB, rel));
      const r = relative(WEB, path);
      if (r.startsWith('..') || r.split(sep).includes('..') || rel.includes('\0')) return res.writeHead(403, headers).end();
      const body = await readFile(path);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch (e) {
      if (e?.code === 'ENOENT' || e?.code === 'EISDIR') return res.writeHead(404, headers).end('not found');
      log(`error serving ${req.url}: ${e?.stack ?? e}`);
      res.writeHead(500, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(String(e?.message ?? e));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { server, url: `http://${host}:${server.address().port}/` };
}

function parsePort(argv) {
  const i = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (i < 0) return 5173;
  const v = argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`--port needs a number 0-65535, got ${v}`);
    process.exit(2);
  }
  return n;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = parsePort(process.argv.slice(2));
  try {
    await bundleApp('worker.js'); // fail early (e.g. dist/ not built) rather than on the first page load
  } catch (e) {
    console.error(`cannot bundle web/app.js: ${e.message}\n(run \`npm run build\` first, or use \`npm run web\`)`);
    process.exit(1);
  }
  const { url } = await startServer({ port, log: (m) => console.error(m) }).catch((e) => {
    console.error(`cannot listen on 127.0.0.1:${port}: ${e.message}`);
    process.exit(1);
  });
  console.log(`cifarkit dataset viewer: ${url}  (Ctrl+C to stop)`);
}
