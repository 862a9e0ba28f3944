/**
 * `npm run docs` (TypeDoc, typedoc.json) builds the API reference: warnings are errors there, so
 * an undocumented export or a broken link fails this test too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'cifarkit-docs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the API reference', () => {
  it('builds with no warning, one page per module, Dataset and the pickle codec in it', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/warning|error/i);
    const index = readFileSync(join(out, 'modules.html'), 'utf8');
    for (const module of ['cifarkit', 'cifarkit/browser', 'cifarkit/pickle']) expect(index).toContain(module);
    const dataset = readFileSync(join(out, 'classes', 'cifarkit.Dataset.html'), 'utf8');
    expect(dataset).toContain('importFrom');
    expect(dataset).toContain('Example');
  }, 120_000);
});

