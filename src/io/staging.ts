/**
 * What a killed write leaves behind, and how the next write deals with it (Node/Deno only).
 *
 * `writeFiles` writes into a staging folder `.<name>.cifarkit-<pid>-XXXXXX` beside the target and
 * swaps it in by renames; `writeFileAtomic` writes `<file>.cifarkit-<pid>-<time>.tmp` and renames
 * it. A process killed midway (SIGKILL, power loss) leaves those names behind, never a partial
 * target. The next write to the same target, before it starts:
 * - restores the previous output if the kill fell between the two renames of a swap (the target
 *   is missing and the old folder `.<name>.cifarkit-<pid>-XXXXXX.old` is complete by construction);
 * - removes the other leftovers of processes that are no longer running (a live process's
 *   staging folder is left alone: it may be exporting right now).
 *
 * The kill tests make the process SIGKILL itself at a named point, so they are deterministic: a
 * test wrapper sets `globalThis[Symbol.for('cifarkit.test.killAt')]` before loading the CLI
 * (nothing in a normal run sets it; no environment variable is read, so Deno needs no --allow-env).
 * The points: `file:N` (once the Nth file of an export is handed to the writer; writes run concurrently),
 * `before-swap`, `between-renames`, `before-cleanup`, `atomic-before-rename`.
 */
import { readdir, rename, rm, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import process from 'node:process';

/** The staging folder prefix for a target folder named `base`. */
export function stagingPrefix(base: string): string {
  return `.${base}.cifarkit-${process.pid}-`;
}

function leftoverPid(name: string, prefix: string, suffix: RegExp): number | null {
  if (!name.startsWith(prefix)) return null;
  const m = /^(\d+)-/.exec(name.slice(prefix.length));
  if (!m || !suffix.test(name)) return null;
  return Number(m[1]);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Before an export to `parent/base`: restores an output a kill left aside, removes dead processes' staging folders. */
export async function recoverStaging(parent: string, base: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  const prefix = `.${base}.cifarkit-`;
  const dead = names.filter((n) => {
    const pid = leftoverPid(n, prefix, /^[^/]*$/);
    return pid !== null && !alive(pid);
  });
  const target = nodePath.join(parent, base);
  const old = dead.filter((n) => n.endsWith('.old'));
  if (old.length === 1 && !(await exists(target))) {
    await rename(nodePath.join(parent, old[0]!), target);
    dead.splice(dead.indexOf(old[0]!), 1);
  }
  for (const n of dead) await rm(nodePath.join(parent, n), { recursive: true, force: true });
}

/** Before an atomic write of `target`: removes temporary files dead processes left beside it. */
export async function removeStaleTemps(target: string): Promise<void> {
  const dir = nodePath.dirname(target);
  const prefix = `${nodePath.basename(target)}.cifarkit-`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const pid = leftoverPid(n, prefix, /\.tmp$/);
    if (pid !== null && !alive(pid)) await rm(nodePath.join(dir, n), { force: true });
  }
}

const KILL_AT = Symbol.for('cifarkit.test.killAt');

/** Tests only: SIGKILLs this process at the named point when the kill tests' hook names it. */
export function killPoint(point: string): void {
  if ((globalThis as { [KILL_AT]?: unknown })[KILL_AT] === point) process.kill(process.pid, 'SIGKILL');
}
