/**
 * The `cifarkit` command line: datum's commands and options (Datumaro 1.9.1) for classification
 * datasets. Each command is a module in ./commands/ (listed in ./commands/index.ts); the parser
 * and the parse-check-work sequence are in ./program.ts. Importing this module runs nothing:
 * bin/cifarkit.mjs calls `main`, a test can call it with its own `io`.
 *
 * Exit codes: 0 ok, 1 bad input (data or files), 2 bad usage (the command line).
 */
import { readFileSync } from 'node:fs';
import type { CliIo } from './command.js';
import { run } from './program.js';

export type { CliIo, CliOutput } from './command.js';

/** The process's streams: results to stdout, messages to stderr, progress bars on a terminal. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    terminal: process.stderr.isTTY ? process.stderr : undefined,
    columns: process.stdout.columns,
  };
}

/** The version in package.json: one folder above dist/cli.js, two above src/cli/main.ts. */
function packageVersion(): string {
  for (const file of ['../package.json', '../../package.json']) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
      if (typeof pkg === 'object' && pkg !== null && 'name' in pkg && pkg.name === 'cifarkit' && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not there (or not JSON): the next candidate.
    }
  }
  return 'unknown';
}

/**
 * Runs `cifarkit` with the arguments after the script name (`process.argv.slice(2)`); resolves
 * to the exit code. Writes to the process's streams unless `io` says otherwise.
 */
export function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  return run(argv, { io, version: packageVersion() });
}
