/** `rename`: new item ids from a regular expression (Datumaro's Rename). */
import { ErrorCode, UsageError } from '../../errors.js';
import type { DatasetView } from '../../model/view.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import type { DatasetItem } from '../../model/item.js';
import { uniqueResults, withItem } from './items.js';
import { checkKeys, invalid, option, show, text, type TransformEntry } from './options.js';
import { checkGroups, formatFields, groupCount, jsReplacement, pythonPattern, pythonReplacement, splitSedExpression, substitute, type Template } from './regex.js';

/**
 * `rename`: new item ids from a regular expression.
 *
 * @example
 * ```ts
 * import { Dataset, type RenameOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const python: RenameOptions = { regex: '|^image_(\\d+)$|img_\\1|' }; // Datumaro's form, Python re syntax
 * const js: RenameOptions = { pattern: /^image_(\d+)$/, replacement: 'img_$1' }; // JavaScript's form
 * console.log(ds.transform('rename', python).get('img_1')?.id, ds.transform('rename', js).get('img_2')?.id); // img_1 img_2
 * ```
 */
export type RenameOptions =
  | {
      /**
       * Datumaro's form `<sep><pattern><sep><replacement><sep>` (any delimiter character, e.g.
       * `'|^frame_(\\d+)|img_\\1|'`), with Python `re` syntax: `\1`, `\g<1>`, `\g<name>` in the
       * replacement, `(?P<name>...)` groups, a leading `(?i)`-style flag group.
       */
      regex: string;
    }
  | {
      /** A JavaScript regular expression (a string is compiled with `new RegExp`); every match is replaced. */
      pattern: string | RegExp;
      /** JavaScript replacement syntax: `$1`, `$<name>`, `$&`, `$$`; also `{item.id}`, `{item.subset}` (`{{`, `}}` for braces). */
      replacement: string;
    };

/** The pattern and replacement of either form of the options. */
function compile(T: string, options: RenameOptions): { re: RegExp; template: Template } {
  if ('regex' in options) {
    checkKeys(T, options, ['regex']);
    const { pattern, replacement } = splitSedExpression(T, options.regex);
    const re = pythonPattern(T, pattern);
    const template = formatFields(T, 'regex', replacement, (s) => pythonReplacement(T, s));
    checkGroups(T, 'regex', re, template);
    return { re, template };
  }
  checkKeys(T, options, ['pattern', 'replacement']);
  const { pattern, replacement } = options as { pattern: unknown; replacement: unknown };
  if (pattern === undefined && replacement === undefined) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${T}: give either { regex: '|pattern|replacement|' } or { pattern, replacement }`);
  }
  if (typeof replacement !== 'string') throw invalid(T, 'replacement', `must be a string, got ${show(replacement)}`);
  let re: RegExp;
  if (pattern instanceof RegExp) {
    re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  } else if (typeof pattern === 'string') {
    try {
      re = new RegExp(pattern, 'g');
    } catch (err) {
      throw invalid(T, 'pattern', `is not a valid regular expression: ${(err as Error).message}`, err);
    }
  } else {
    throw invalid(T, 'pattern', `must be a string or a RegExp, got ${show(pattern)}`);
  }
  const groups = groupCount(re);
  const template = formatFields(T, 'replacement', replacement, (s) => jsReplacement(s, groups));
  checkGroups(T, 'replacement', re, template);
  return { re, template };
}

function rename(dataset: DatasetView, options: RenameOptions): DatasetParts {
  const T = 'rename';
  const { re, template } = compile(T, options);
  const pairs: [DatasetItem, DatasetItem][] = [];
  for (const item of dataset) {
    const id = substitute(item.id, re, template, item);
    if (id === '') throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${T} would give item '${item.id}' (subset '${item.subset}') an empty id`, { item: item.id });
    pairs.push([item, id === item.id ? item : withItem(item, { id })]);
  }
  const items = uniqueResults(T, pairs);
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

export const RENAME: TransformEntry = {
  summary: "Renames items with a regular expression: '|<pattern>|<replacement>|' (Python re syntax, {item.id} and {item.subset} fields).",
  run: rename as TransformEntry['run'],
  args: [option('-e --regex', 'regex', text("'|pattern|replacement|'"), 'the expression (any delimiter)')],
};
