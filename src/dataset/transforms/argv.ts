/**
 * Datumaro's command line for a transform (what follows `--` in `datum transform -t <name> --
 * <args>`): argparse's forms `-l value`, `-lvalue`, `--label value`, `--label=value`, switches,
 * repeatable options; and the usage text of a transform's options.
 */
import { ErrorCode, UsageError } from '../../errors.js';
import type { ArgSpec } from './options.js';

/** The options `argv` gives, by the specs of transform `name` (every bad argument a UsageError INVALID_ARGUMENT). */
export function parseArgs(name: string, specs: readonly ArgSpec[], argv: readonly string[]): Record<string, unknown> {
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${name}: the arguments must be a list of strings`);
  }
  const known = specs.flatMap((a) => a.flags).join(', ');
  const options: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let spec: ArgSpec | undefined;
    let value: string | undefined;
    for (const a of specs) {
      for (const flag of a.flags) {
        if (arg === flag) spec = a;
        else if (flag.startsWith('--') && arg.startsWith(`${flag}=`)) [spec, value] = [a, arg.slice(flag.length + 1)];
        else if (!flag.startsWith('--') && arg.startsWith(flag) && !arg.startsWith('--')) [spec, value] = [a, arg.slice(flag.length)];
      }
    }
    if (!spec) {
      throw new UsageError(
        ErrorCode.INVALID_ARGUMENT,
        arg.startsWith('-') ? `${name}: unknown option '${arg}' (known: ${known})` : `${name}: unexpected argument '${arg}' (options: ${known})`,
      );
    }
    if (spec.flag) {
      if (value !== undefined) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${name}: option '${spec.flags.at(-1)}' takes no value`);
      options[spec.key] = true;
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${name}: option '${arg}' needs a value ${spec.metavar}`);
    }
    let parsed: unknown;
    try {
      parsed = spec.parse(value);
    } catch (msg) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${name}: option '${spec.flags.at(-1)}': ${String(msg)}`);
    }
    if (spec.repeat) ((options[spec.key] ??= []) as unknown[]).push(parsed);
    else options[spec.key] = parsed;
  }
  return options;
}

/** The help text of a transform's options (what `datum transform -t <name> -- -h` shows). */
export function usageText(name: string, summary: string, specs: readonly ArgSpec[]): string {
  const lines = [`${name}: ${summary}`, '', 'Options:'];
  for (const a of specs) lines.push(`  ${a.flags.join(', ')} ${a.metavar}`.padEnd(40) + ` ${a.help}`);
  return `${lines.join('\n')}\n`;
}
