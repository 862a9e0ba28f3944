/** The built `cifarkit` binary (bin/cifarkit.mjs -> dist/cli.js) for the end-to-end tests. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll } from 'vitest';

export const ROOT = join(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/cifarkit.mjs');

/** Runs the binary with `args` from the repository root; its exit code and output. */
export function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
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
