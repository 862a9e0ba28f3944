// What the three browser scripts (chromium.mjs, web.mjs, web-full.mjs) share: finding Chromium
// and dist/, launching it headless without network, and a tiny named-check harness.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Exits (1) with a message when Chromium, or (`needDist`) the build, is missing. */
export function requireChromium({ needDist = true } = {}) {
  if (!existsSync(CHROMIUM)) {
    console.error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  if (needDist && !existsSync(join(ROOT, 'dist/index.js'))) {
    console.error('dist/ is missing: run `npm run build` first.');
    process.exit(1);
  }
}

/** Headless Chromium with the flags every script uses. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A browser context that can reach only `baseUrl` (and blob:/data: URLs); any other request is
 * aborted and passed to `onOffsite`.
 */
export async function offlineContext(browser, baseUrl, options = {}, onOffsite = () => {}) {
  const context = await browser.newContext(options);
  await context.route((u) => !u.href.startsWith(baseUrl) && !u.href.startsWith('blob:') && !u.href.startsWith('data:'), (route) => {
    onOffsite(route.request().url());
    return route.abort();
  });
  return context;
}

/** Named checks: `check(name, fn)` runs and records one; `finish()` prints the tally and exits. */
export function checks() {
  const results = [];
  return {
    results,
    async check(name, fn) {
      try {
        await fn();
        results.push({ name, ok: true });
        console.log(`ok   ${name}`);
      } catch (e) {
        results.push({ name, ok: false });
        // Where in the script it failed: the first stack line in test/runtimes/ other than this file.
        const at = String(e?.stack ?? '').split('\n').find((l) => l.includes('test/runtimes/') && !l.includes('chromium-harness'));
        console.log(`FAIL ${name}: ${e?.message ?? e}${at ? ` (${at.trim()})` : ''}`);
      }
    },
    /** Records a failure of the harness itself (outside any check). */
    harnessFailed(e) {
      results.push({ name: 'harness', ok: false });
      console.log(`FAIL harness: ${e?.stack ?? e}`);
    },
    finish() {
      const failed = results.filter((r) => !r.ok).length;
      console.log(`${results.length - failed} passed, ${failed} failed`);
      process.exit(failed === 0 && results.length > 0 ? 0 : 1);
    },
  };
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}
