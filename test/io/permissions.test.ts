/**
 * Outputs get the permissions a plain mkdir / writeFile would give under the umask: the staging
 * folder that becomes the output is made with mkdir, not mkdtemp (0700 whatever the umask), and
 * single files (preview, report) are created with the default 0666 mode. Run through the built
 * CLI in a shell that sets the umask (a worker thread cannot change it).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, requireBuiltCli, tempDir } from '../cli/binary.js';

requireBuiltCli();

const SOURCE = join(ROOT, 'test/fixtures/generated/py2-cifar10');

function underUmask(umask: string, args: string[]): void {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const r = spawnSync('sh', ['-c', `umask ${umask} && ${quoted}`], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
}

/** Every folder and file below `dir` (and `dir` itself) with its permission bits. */
function modes(dir: string): { dirs: Set<number>; files: Set<number> } {
  const out = { dirs: new Set<number>(), files: new Set<number>() };
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      out.dirs.add(st.mode & 0o777);
      for (const n of readdirSync(p)) walk(join(p, n));
    } else out.files.add(st.mode & 0o777);
  };
  walk(dir);
  return out;
}

describe('output permissions follow the umask', () => {
  for (const [umask, dirMode, fileMode] of [
    ['022', 0o755, 0o644],
    ['027', 0o750, 0o640],
    ['077', 0o700, 0o600],
  ] as const) {
    it(`umask ${umask}: folders ${dirMode.toString(8)}, files ${fileMode.toString(8)}`, () => {
      const parent = tempDir();
      const out = join(parent, 'out');
      underUmask(umask, ['convert', '-if', 'cifar', '-i', SOURCE, '-f', 'imagenet', '-o', out, '--', '--save-media']);
      const m = modes(out);
      expect([...m.dirs]).toEqual([dirMode]);
      expect([...m.files]).toEqual([fileMode]);
      expect(m.files.size).toBe(1);
      const png = join(parent, 'sheet.png');
      underUmask(umask, ['preview', SOURCE, '-o', png]);
      expect(statSync(png).mode & 0o777).toBe(fileMode);
    });
  }
});
