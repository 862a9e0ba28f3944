/**
 * Child process of memory-bounds.test.ts: imports one input (a path) with the built library
 * (dist/) and prints one JSON line: the error code (or 'ok'), and the process's peak RSS.
 *
 *   node --max-old-space-size=1024 test/security/rss-case.mjs <path> [format] [limits JSON]
 */
import { Dataset, CifarkitError } from '../../dist/index.js';

const [path, format, limits] = process.argv.slice(2);
let code = 'ok';
let detail = '';
try {
  const ds = await Dataset.importFrom(path, format || undefined, limits ? { limits: JSON.parse(limits) } : {});
  detail = `${ds.size} items`;
} catch (err) {
  code = err instanceof CifarkitError ? err.code : `${err?.name}: ${err?.message}`;
  detail = String(err?.message ?? err).slice(0, 300);
}
// resourceUsage().maxRSS is in KiB.
console.log(JSON.stringify({ code, detail, maxRss: process.resourceUsage().maxRSS * 1024 }));
