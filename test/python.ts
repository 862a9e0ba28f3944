/**
 * Live checks against CPython from tests: run python3 (with numpy) on a script and some bytes.
 *
 * `describePython` runs its suite when python3 and numpy are present. Under CI (`CI` set to any
 * non-empty value) a missing python3/numpy is a failure, never a silent skip; on a developer
 * machine without them the suite is skipped and says why.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

/** The Python interpreter the live checks run. */
export const PYTHON = 'python3';

let available: boolean | undefined;

/** Whether python3 runs here and can import numpy (checked once). */
export function hasPython(): boolean {
  if (available === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import numpy, pickle'], { stdio: 'ignore', timeout: 60_000 });
    available = r.status === 0;
  }
  return available;
}

/**
 * Runs `python3 -c script [args...]` (`args` become `sys.argv[1:]`) with `stdinBytes` as its
 * standard input and returns its standard output (UTF-8). Throws with the exit status and
 * standard error when Python fails.
 */
export function runPython(script: string, stdinBytes?: Uint8Array, args: readonly string[] = []): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], {
    input: stdinBytes ?? new Uint8Array(0),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: 120_000,
  });
  if (r.error) throw new Error(`${PYTHON} could not run: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${PYTHON} failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
  }
  return r.stdout;
}

/** A `describe` for suites that need python3 + numpy (see the module doc for CI behaviour). */
export const describePython = (name: string, fn: () => void): void => {
  if (hasPython()) {
    describe(name, fn);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs python3 with numpy, which CI must provide', () => {
        throw new Error(`${PYTHON} with numpy is not available, and CI=${process.env.CI}: install them (apt-get install python3-numpy)`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${PYTHON} with numpy not found)`, fn);
  }
};
