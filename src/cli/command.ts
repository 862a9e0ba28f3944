/**
 * The shape of one CLI command. Each command is a module in ./commands/ exporting a `CliCommand`
 * made by `defineCommand`; ./commands/index.ts lists them. A command declares its positionals and
 * options as data (so the parser can name them in messages and suggest the nearest one for a
 * typo, and so its `prepare` gets them typed) and a `prepare` step that checks the whole command
 * line without touching any file and returns the work to do. Nothing is read or written before
 * every check of the command line has passed.
 */
import type { Arguments, InferredOptionType, Options, PositionalOptions } from 'yargs';
import type { ImportOptions } from '../index.js';

/** yargs' argv as the parser gets it: every option under its long name and its aliases. */
export type Args = Arguments;

/** Option declarations under their long names (short spellings as `alias`). */
export type OptionSpecs = Readonly<Record<string, Options>>;

/** Positional declarations by name. */
export type PositionalSpecs = Readonly<Record<string, PositionalOptions>>;

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

/** Something text is written to (process.stdout and process.stderr are). */
export interface CliOutput {
  write(text: string): unknown;
}

/** Where one run of the CLI writes: the process's streams, or a test's buffers. */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** stderr as a terminal stream, where progress bars draw; absent when it is not a terminal. */
  readonly terminal?: NodeJS.WritableStream | undefined;
  /** The width --help wraps to (at most 110; default 100). */
  readonly columns?: number | undefined;
}

/** What a command is given besides its arguments: one per run, nothing shared between runs. */
export interface Context {
  readonly log: Logger;
  /** The import limits of --max-total-bytes / --max-entries / ..., and --channel-order. */
  readonly importOptions: ImportOptions;
  /** Where progress bars draw: the terminal, unless --json or a level above info; else null. */
  readonly progress: NodeJS.WritableStream | null;
  /** A result on stdout (a newline is added). */
  print(text: string): void;
  printJson(value: unknown): void;
  /** A line on stderr whatever the --loglevel (error reports, import warnings). */
  printError(text: string): void;
}

/** A command as the parser sees it (its argument types erased; see `defineCommand`). */
export interface CliCommand {
  /** The yargs command string: the name and positionals, e.g. 'dinfo [target]'. */
  readonly command: string;
  readonly aliases?: readonly string[];
  readonly describe: string;
  readonly positionals?: PositionalSpecs;
  readonly options?: OptionSpecs;
  readonly epilog?: string;
  readonly examples?: readonly (readonly [string, string])[];
  /** A command with subcommands (`project create|import|...`) has no prepare of its own. */
  readonly subcommands?: readonly CliCommand[];
  /** Checks the arguments without any file I/O (throws CliUsageError) and returns the work. */
  readonly prepare?: (args: Args, ctx: Context) => Work | Promise<Work>;
}

/** The positionals a command string demands: `<name>` and `<name..>`, not `[name]`. */
type DemandedPositionals<C extends string> = C extends `${string}<${infer Name}>${infer Rest}`
  ? (Name extends `${infer Variadic}..` ? Variadic : Name) | DemandedPositionals<Rest>
  : never;

/**
 * A command's parsed arguments, typed from its declarations (yargs' inference: `type`,
 * `choices`, `array`, `default`, `demandOption`) and nothing else, so a misspelled name does not
 * compile. A positional in `<...>` is always there; `'--'` holds what follows `--`.
 */
export type CommandArgs<C extends string, O extends OptionSpecs, P extends PositionalSpecs> = {
  readonly [K in keyof O]: InferredOptionType<O[K]>;
} & {
  readonly [K in keyof P]: K extends DemandedPositionals<C> ? NonNullable<InferredOptionType<P[K]>> : InferredOptionType<P[K]>;
} & { readonly '--'?: unknown };

/** A command with typed arguments, as its module writes it. */
export interface CommandSpec<C extends string, O extends OptionSpecs, P extends PositionalSpecs> extends Omit<CliCommand, 'command' | 'positionals' | 'options' | 'subcommands' | 'prepare'> {
  readonly command: C;
  readonly positionals?: P;
  readonly options?: O;
  readonly prepare: (args: CommandArgs<C, O, P>, ctx: Context) => Work | Promise<Work>;
}

/**
 * yargs' argv typed by the declarations it was parsed with. The CLI's one cast of its arguments:
 * yargs parsed `args` with exactly these declarations (strict: nothing undeclared), and the
 * parser has rejected repeated options and non-numbers (program.ts: checkOptionValues), so
 * `args` holds the types inferred from them.
 */
export function declaredArgs<C extends string, O extends OptionSpecs, P extends PositionalSpecs>(args: Args): CommandArgs<C, O, P> {
  return args as CommandArgs<C, O, P>;
}

/** A command from its typed declaration: `prepare` sees its options and positionals typed. */
export function defineCommand<const C extends string, const O extends OptionSpecs = {}, const P extends PositionalSpecs = {}>(spec: CommandSpec<C, O, P>): CliCommand {
  return { ...spec, prepare: (args, ctx) => spec.prepare(declaredArgs<C, O, P>(args), ctx) };
}
