/**
 * The layer check (`npm run check:layers`, .dependency-cruiser.cjs) on the real tree, and on a
 * small planted tree, so that a rule that stopped matching would be seen: each kind of
 * violation must be reported by name.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function cruise(cwd: string) {
  return spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8' });
}

describe('the layer check', () => {
  it('passes on src/ as it is', () => {
    const r = cruise(ROOT);
    expect(r.stdout + r.stderr).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  }, 60_000);

  it('reports each kind of violation in a planted tree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cifarkit-layers-'));
    dirs.push(dir);
    const files: Record<string, string> = {
      'src/errors.ts': 'export const E = 1;\n',
      'src/model/item.ts': "import { run } from '../cli/main.js';\nexport const item = run;\n", // upward
      'src/cli/main.ts': "import { E } from '../errors.js';\nexport const run = E;\n",
      'src/formats/x.ts': "import { v } from '../validate/y.js';\nexport const x = v;\n", // sideways
      'src/validate/y.ts': 'export const v = 1;\n',
      'src/kernels/k.ts': "import { readFileSync } from 'node:fs';\nexport const k = readFileSync;\n", // Node in the core
      'src/image/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n", // a cycle
      'src/image/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'src/image/w.ts': "import { W } from '../kernels/wasm/kernels.generated.js';\nexport const w = W;\n", // wasm outside kernels
      'src/kernels/wasm/kernels.generated.ts': 'export const W = 1;\n',
      'src/gadgets/g.ts': "import { E } from '../errors.js';\nexport const g = E;\n", // no layer
      'src/sources/s.ts': "import { nothing } from './missing.js';\nexport const s = nothing;\n", // unresolvable
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022' }, include: ['src'] }),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = cruise(dir);
    const out = r.stdout + r.stderr;
    expect(r.status).not.toBe(0);
    for (const [rule, where] of [
      ['layer-model', 'src/model/item.ts → src/cli/main.ts'],
      ['layer-formats', 'src/formats/x.ts → src/validate/y.ts'],
      ['web-standard-core', 'src/kernels/k.ts'],
      ['no-cycles', 'src/image/a.ts'],
      ['wasm-inside-kernels', 'src/image/w.ts'],
      ['unplaced-module', 'src/gadgets/g.ts'],
      ['not-to-unresolvable', 'src/sources/s.ts'],
    ]) {
      expect(out, rule).toMatch(new RegExp(`${rule}: ${where!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  }, 60_000);
});

