/** The built `cifarkit` binary (bin/cifarkit.mjs -> dist/cli.js) for the end-to-end tests. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll } from 'vitest';

export const ROOT = join(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/cifarkit.mjs');

/** Runs the binary with `args` from the repository root; its exit code and output. */
export function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  return cliIn(ROOT, ...args);
}

/** Runs the binary with `args` in the folder `cwd`. */
export function cliIn(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every file and folder under `dir` with its size, mtime and content hash: equal snapshots, untouched tree. */
export function snapshotTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(d, e.name);
      const st = statSync(full);
      if (e.isDirectory()) {
        out.push(`${prefix}${e.name}/ ${st.mtimeMs}`);
        walk(full, `${prefix}${e.name}/`);
      } else {
        out.push(`${prefix}${e.name} ${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
      }
    }
  };
  walk(dir, '');
  return out;
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'cifarkit-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Fails the suite early, with the fix, when dist/ has not been built. */
export function requireBuiltCli(): void {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does)');
  });
}
