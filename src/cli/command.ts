/**
 * The shape of one CLI command. Each command is a module in ./commands/ exporting a `CliCommand`;
 * ./commands/index.ts lists them. A command declares its positionals and options as data (so
 * the parser can name them in messages and suggest the nearest one for a typo) and a `prepare`
 * step that checks the whole command line without touching any file and returns the work to do.
 * Nothing is read or written before every check of the command line has passed.
 */
import type { Options, PositionalOptions } from 'yargs';
import type { ImportOptions } from '../index.js';

/** The parsed command line (yargs' argv: every option under its long name and its aliases). */
export type Args = Record<string, unknown> & { _: (string | number)[]; '--'?: unknown[] };

/** What runs once the command line is known to be good; resolves to the exit code (default 0). */
export type Work = () => Promise<number | void>;

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/** Messages for stderr, filtered by --loglevel (results go to stdout, whatever the level). */
export interface Logger {
  debug(text: string): void;
  info(text: string): void;
  warning(text: string): void;
  error(text: string): void;
}

/** What a command is given besides its arguments. */
export interface Context {
  readonly log: Logger;
  /** The import limits of --max-total-bytes / --max-entries. */
  readonly importOptions: ImportOptions;
  /** Progress bars are shown (stderr is a terminal, not --json, level info or lower). */
  readonly progress: boolean;
  print(text: string): void;
  printJson(value: unknown): void;
}

export interface CliCommand {
  /** The yargs command string: the name and positionals, e.g. 'dinfo [target]'. */
  readonly command: string;
  readonly aliases?: readonly string[];
  readonly describe: string;
  readonly positionals?: Readonly<Record<string, PositionalOptions>>;
  /** Options under their long names, short spellings as `alias`. */
  readonly options?: Readonly<Record<string, Options>>;
  readonly epilog?: string;
  readonly examples?: readonly (readonly [string, string])[];
  /** A command with subcommands (`project create|import|...`) has no prepare of its own. */
  readonly subcommands?: readonly CliCommand[];
  /** Checks the arguments without any file I/O (throws CliUsageError) and returns the work. */
  readonly prepare?: (args: Args, ctx: Context) => Work | Promise<Work>;
}
