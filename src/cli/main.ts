/**
 * The `cifarkit` command line: datum's commands and options (Datumaro 1.9.1) for classification
 * datasets. Each command is a module in ./commands/ (listed in ./commands/index.ts); the parser
 * and the parse-check-work sequence are in ./program.ts.
 *
 * Exit codes: 0 ok, 1 bad input (data or files), 2 bad usage (the command line).
 */
import { readFileSync } from 'node:fs';
import { run } from './program.js';

/** The version in package.json (dist/cli.js sits one folder below it). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

process.exitCode = await run(process.argv.slice(2), packageVersion());
