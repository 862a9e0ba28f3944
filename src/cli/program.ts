/**
 * The parser: builds yargs from the command list, and runs a command line in three steps —
 * parse (yargs, strict), check (the command's `prepare`, no file I/O), work. yargs handlers only
 * record which command was chosen, so nothing runs unless the whole line is good. Every usage
 * mistake is one line on stderr naming the option, and exit code 2.
 */
import yargs, { type Argv, type Options } from 'yargs';
import { CifarkitError, DEFAULT_LIMITS, type ImportLimits, type ImportOptions } from '../index.js';
import { LIMIT_FLAGS } from '../limits.js';
import { declaredArgs, type Args, type CliCommand, type CliIo, type Context, type Logger, type LogLevel, type OptionSpecs, type Work } from './command.js';
import { COMMANDS } from './commands/index.js';
import { CliUsageError, describeError, exitCodeFor, EXIT_BAD_USAGE, EXIT_OK } from './common.js';
import { int } from './options.js';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error', 'critical'];

/** datum's --loglevel. */
const LOGLEVEL_OPTION = {
  loglevel: { type: 'string', choices: LOG_LEVELS, default: 'info', requiresArg: true, global: true, describe: 'logging level' },
} as const satisfies OptionSpecs;

/** The CIFAR importer's plane order. */
const CHANNEL_ORDER_OPTION = {
  'channel-order': {
    type: 'string',
    choices: ['rgb', 'bgr'],
    requiresArg: true,
    global: true,
    describe: "CIFAR input: its planes' order; bgr for Datumaro's exports of PNG/JPEG datasets (to write bgr: -- --channel-order bgr)",
  },
} as const satisfies OptionSpecs;

/** Options of every command (datum's --loglevel; cifarkit's import limits and CIFAR plane order). */
const GLOBAL_OPTIONS: OptionSpecs = {
  ...LOGLEVEL_OPTION,
  // The import limits (src/limits.ts: LIMIT_FLAGS): --max-total-bytes, --max-entries,
  // --max-decoded-bytes, --decoded-bytes-per-input-byte, --max-items.
  ...Object.fromEntries(
    LIMIT_FLAGS.map(({ flag, limit, describe }) => [flag, { type: 'number', requiresArg: true, global: true, describe: `${describe} (default ${DEFAULT_LIMITS[limit]})` } satisfies Options]),
  ),
  ...CHANNEL_ORDER_OPTION,
};

/** The state of one parse: the command yargs matched (its builder ran) and the one it chose. */
interface ParseState {
  /** The innermost command whose options were set up: names options in messages. */
  current: CliCommand | null;
  chosen: { command: CliCommand; prepare: NonNullable<CliCommand['prepare']>; args: Args } | null;
  failure: string | null;
}

function optionNames(cmd: CliCommand | null): { long: string; short: string[] }[] {
  const help: Options = { alias: 'h' };
  const all: OptionSpecs = { ...GLOBAL_OPTIONS, ...(cmd?.options ?? {}), help };
  return Object.entries(all).map(([long, o]) => ({ long, short: typeof o.alias === 'string' ? [o.alias] : [...(o.alias ?? [])] }));
}

/** `-o/--output-dir` for any spelling of an option of the current command. */
function spell(name: string, cmd: CliCommand | null): string {
  const entry = optionNames(cmd).find((o) => o.long === name || o.short.includes(name));
  if (!entry) return name.length > 1 ? `--${name}` : `-${name}`;
  return [...entry.short.map((s) => `-${s}`), `--${entry.long}`].join('/');
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The option spellings nearest to a mistyped one, if near enough to be a typo ('a or b'). */
export function suggestOption(typo: string, cmd: CliCommand | null): string | null {
  let best: { longs: Set<string>; d: number } | null = null;
  for (const o of optionNames(cmd)) {
    for (const candidate of [o.long, ...o.short]) {
      // A typo of the whole name, or of its first part ('ouput' for 'output-dir').
      const dash = candidate.indexOf('-');
      const head = dash > 0 && candidate.length > typo.length + 2 ? distance(typo, candidate.slice(0, dash)) + 0.25 : Infinity;
      let d = Math.min(distance(typo, candidate), head);
      if (candidate.length > 2 && typo.length > 2 && candidate.startsWith(typo)) d = Math.min(d, 0.5);
      const limit = Math.max(1, Math.floor(Math.min(typo.length, candidate.length) / 3)) + 0.25;
      if (d === 0 || d > limit) continue;
      if (!best || d < best.d) best = { longs: new Set([o.long]), d };
      else if (d === best.d) best.longs.add(o.long);
    }
  }
  return best ? [...best.longs].map((l) => spell(l, cmd)).join(' or ') : null;
}

/** One line naming the option for each of yargs' messages. */
export function usageMessage(msg: string, argv: readonly string[], cmd: CliCommand | null): string {
  const unknown = /^Unknown arguments?: (.*)$/s.exec(msg);
  if (unknown) {
    const parts = unknown[1]!.split(', ').map((name) => {
      const asOption = argv.some((t) => t === `--${name}` || t === `-${name}` || t.startsWith(`--${name}=`) || t === `--no-${name}`);
      if (!asOption) return `unexpected argument '${name}'`;
      const typed = argv.find((t) => t === `-${name}`) ? `-${name}` : `--${name}`;
      const hint = suggestOption(name, cmd);
      return `unknown option ${typed}${hint ? ` (did you mean ${hint}?)` : ''}`;
    });
    return parts.join('; ');
  }
  const command = /^Did you mean (.*)\?$/s.exec(msg);
  if (command) {
    const typed = argv.filter((t) => !t.startsWith('-')).reduce((best, t) => (distance(t, command[1]!) < distance(best, command[1]!) ? t : best), argv[0] ?? '');
    return `unknown command '${typed}' (did you mean ${command[1]}?)`;
  }
  if (/^Unknown command/.test(msg)) return msg.replace(/\s+/g, ' ');
  const missing = /^Missing required arguments?: (.*)$/s.exec(msg);
  if (missing) return `missing required option ${missing[1]!.split('\n')[0]!.split(', ').map((n) => spell(n, cmd)).join(', ')}`;
  const invalid = /Argument: ([^,]+), Given: ("[^"]*"|\S+), Choices: (.*)$/s.exec(msg);
  if (invalid) return `invalid value ${invalid[2]!.replace(/^"|"$/g, "'")} for ${spell(invalid[1]!, cmd)} (choices: ${invalid[3]!.replace(/"/g, '').replace(/\s+/g, ' ')})`;
  const noValue = /^Not enough arguments following: (.*)$/s.exec(msg);
  if (noValue) return `option ${spell(noValue[1]!.trim(), cmd)} needs a value`;
  return msg.replace(/\s+/g, ' ').trim();
}

/** Rejects an option given twice (yargs would make an array of it) and bad numbers. */
function checkOptionValues(args: Args, cmd: CliCommand): void {
  for (const [long, o] of Object.entries({ ...GLOBAL_OPTIONS, ...(cmd.options ?? {}) })) {
    const v = args[long];
    if (v === undefined) continue;
    if (Array.isArray(v) && !o.array) throw new CliUsageError(`option ${spell(long, cmd)} is given more than once`);
    const values = Array.isArray(v) ? v : [v];
    if (o.type === 'number' && values.some((x) => typeof x !== 'number' || Number.isNaN(x))) throw new CliUsageError(`option ${spell(long, cmd)} needs a number`);
    if (o.type === 'string' && values.some((x) => String(x) === '')) throw new CliUsageError(`option ${spell(long, cmd)} needs a value`);
  }
}

function register(y: Argv, commands: readonly CliCommand[], state: ParseState, argv: readonly string[]): Argv {
  for (const cmd of commands) {
    const { prepare } = cmd;
    y = y.command(
      [cmd.command, ...(cmd.aliases ?? [])],
      cmd.describe,
      (sub) => {
        state.current = cmd;
        for (const [name, p] of Object.entries(cmd.positionals ?? {})) sub = sub.positional(name, p);
        sub = sub.options(cmd.options ?? {});
        if (cmd.epilog) sub = sub.epilog(cmd.epilog);
        for (const [example, what] of cmd.examples ?? []) sub = sub.example(example, what);
        if (cmd.subcommands) {
          sub = register(sub, cmd.subcommands, state, argv).demandCommand(1, `name a ${cmd.command} command: ${cmd.subcommands.map((c) => c.command.split(' ')[0]).join(', ')}`);
        }
        return sub;
      },
      (args) => {
        // Recorded only: the work starts after the whole line has been checked.
        if (prepare) state.chosen = { command: cmd, prepare, args };
      },
    );
  }
  return y;
}

/** The yargs parser of the whole CLI (its handlers only record the chosen command). */
export function buildParser(argv: readonly string[], state: ParseState, columns: number | undefined): Argv {
  const y = yargs([...argv])
    .scriptName('cifarkit')
    .usage('$0 <command> [options]\n\nRead, check, convert and compare CIFAR-10/100 datasets (and ImageNet, ImageNet-txt, MNIST), with datum\'s commands and options.')
    .parserConfiguration({ 'short-option-groups': false, 'populate--': true, 'camel-case-expansion': false, 'strip-aliased': false })
    .options(GLOBAL_OPTIONS);
  return register(y, COMMANDS, state, argv)
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    // --version is cifarkit's own before any command (run() answers it); yargs' global --version
    // would take `download --version binary` for itself.
    .version(false)
    .epilog('cifarkit --version prints the version. Exit codes: 0 ok, 1 bad input, 2 bad usage.')
    .exitProcess(false)
    .wrap(Math.min(110, columns || 100))
    .fail((msg, err) => {
      if (state.failure !== null) return;
      if (err instanceof CifarkitError || err instanceof CliUsageError) state.failure = describeError(err).replace(/^cifarkit: /, '');
      else state.failure = msg ?? err?.message ?? 'bad usage';
    });
}

function makeLogger(level: LogLevel, io: CliIo): Logger {
  const at = LOG_LEVELS.indexOf(level);
  const write = (minimum: LogLevel, prefix: string) => (text: string) => {
    if (at <= LOG_LEVELS.indexOf(minimum)) io.stderr.write(`${prefix}${text}\n`);
  };
  return { debug: write('debug', 'debug: '), info: write('info', ''), warning: write('warning', 'warning: '), error: write('error', 'error: ') };
}

function makeContext(args: Args, io: CliIo): Context {
  const limits: Partial<ImportLimits> = {};
  for (const { flag, limit } of LIMIT_FLAGS) {
    const value = int(args[flag], `--${flag}`, 0);
    if (value !== undefined) limits[limit] = value;
  }
  // The limits, named by a list, are read by name above; these two as declared.
  const globals = declaredArgs<string, typeof LOGLEVEL_OPTION & typeof CHANNEL_ORDER_OPTION, {}>(args);
  const importOptions: ImportOptions = { limits };
  if (globals['channel-order'] !== undefined) importOptions.channelOrder = globals['channel-order'];
  const level = globals.loglevel;
  const bars = !args.json && LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf('info');
  return {
    log: makeLogger(level, io),
    importOptions,
    progress: bars ? (io.terminal ?? null) : null,
    print: (text) => void io.stdout.write(`${text}\n`),
    printJson: (value) => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    printError: (text) => void io.stderr.write(`${text}\n`),
  };
}

/** How one run is set up: where it writes, and the version --version prints. */
export interface RunOptions {
  readonly io: CliIo;
  readonly version?: string;
}

/**
 * Runs a command line; resolves to the exit code (0 ok, 1 bad input, 2 bad usage). Everything
 * it keeps lives in this call (the parse state, the command's context): runs share nothing.
 */
export async function run(argv: readonly string[], { io, version = 'unknown' }: RunOptions): Promise<number> {
  const state: ParseState = { current: null, chosen: null, failure: null };
  if (argv.length === 1 && argv[0] === '--version') {
    io.stdout.write(`${version}\n`);
    return EXIT_OK;
  }
  try {
    // With a parse callback yargs hands over what it would print (--help) instead of printing it.
    let output = '';
    await buildParser(argv, state, io.columns).parseAsync([...argv], {}, (_err, _args, text) => {
      output = text;
    });
    if (output !== '') io.stdout.write(`${output}\n`);
  } catch (err) {
    if (state.failure === null) state.failure = err instanceof Error ? err.message : String(err);
  }
  if (state.failure !== null) {
    io.stderr.write(`cifarkit: ${usageMessage(state.failure, argv, state.current)} (see --help)\n`);
    return EXIT_BAD_USAGE;
  }
  // --help and --version have printed and chosen nothing.
  if (!state.chosen) return EXIT_OK;
  const { command, prepare, args } = state.chosen;
  let work: Work;
  try {
    checkOptionValues(args, command);
    work = await prepare(args, makeContext(args, io));
  } catch (err) {
    io.stderr.write(`${describeError(err)}\n`);
    return exitCodeFor(err);
  }
  try {
    const code = await work();
    return typeof code === 'number' ? code : EXIT_OK;
  } catch (err) {
    io.stderr.write(`${describeError(err)}\n`);
    return exitCodeFor(err);
  }
}
