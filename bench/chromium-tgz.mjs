// One round of `npm run bench`'s Chromium row, in a fresh headless Chromium:
//   node bench/chromium-tgz.mjs <json-args: { archive, expect }>
// The page loads dist/browser.js from a local server (127.0.0.1), fetches the archive into memory
// (not timed: the row measures the import, not the transfer), then times
// Dataset.importFrom(bytes) + every item touched, as the Node rows do. Prints one JSON line.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, relative } from 'node:path';
import { launchChromium, ROOT } from '../test/runtimes/chromium-harness.mjs';

const args = JSON.parse(process.argv[2] ?? '{}');
const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x').pathname;
  const path = url === '/archive' ? args.archive : normalize(join(ROOT, decodeURIComponent(url)));
  if (url !== '/archive' && relative(ROOT, path).startsWith('..')) return res.writeHead(403).end();
  let body;
  try {
    body = await readFile(path);
  } catch {
    return res.writeHead(404).end();
  }
  res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${base}/test/runtimes/blank.html`);
  const result = await page.evaluate(async (expect) => {
    const { Dataset, getInflater } = await import('/dist/browser.js');
    const bytes = new Uint8Array(await (await fetch('/archive')).arrayBuffer());
    const t0 = performance.now();
    const ds = await Dataset.importFrom(bytes);
    let n = 0;
    for (const item of ds) n += item.id.length + (item.annotations[0]?.label ?? 0) + (item.media?.width ?? 0);
    const ms = performance.now() - t0;
    if (ds.size !== expect) throw new Error(`imported ${ds.size} items, expected ${expect}`);
    return { ms, n, inflater: getInflater() };
  }, args.expect);
  console.log(JSON.stringify({ ms: result.ms, inflater: result.inflater }));
} finally {
  await browser.close();
  server.close();
}
