/**
 * Dataset transforms, named and configured as Datumaro's (`datum transform -t <name> -- <args>`,
 * `Dataset.transform(name, **options)`): remap_labels, rename, random_split, map_subsets,
 * remove_items, remove_images, remove_annotations, remove_attributes, reindex, sort,
 * id_from_image_name, project_labels, resize, split, random_sampler, label_random_sampler, ndr,
 * correct; and cifarkit's remove_duplicates. The newer ones live in ./transforms/, one file each,
 * and are registered below.
 *
 * Each takes JS options (see the `*Options` types) or, through {@link parseTransformArgs}, the
 * argument list of Datumaro's command line. Transforms never copy pixels: an item that keeps its
 * image keeps the same `Image` object (and so the same buffer); only resize makes new images.
 */
import { CifarkitError, ErrorCode, UsageError } from '../errors.js';
import type { DatasetView } from '../formats/format.js';
import { Label, LabelCategories, type Annotation } from '../model/annotations.js';
import { DatasetItem } from '../model/item.js';
import { duplicatesToDrop } from '../validate/duplicates.js';
import {
  assertUnique,
  checkKeys,
  colonPair,
  copyLabels,
  ID_ARG,
  invalid,
  isNumber,
  isString,
  itemRefs,
  labelOf,
  pairList,
  presentSubsets,
  refMatcher,
  show,
  withItem,
  type ArgSpec,
  type DatasetParts,
  type ItemRef,
  type TransformEntry,
} from './transforms/common.js';
import { PythonRandom } from './transforms/python-random.js';
import { CORRECT, type CorrectOptions, type DatumaroValidationReport } from './transforms/correct.js';
import { ID_FROM_IMAGE_NAME } from './transforms/id-from-image-name.js';
import { NDR, type NdrOptions } from './transforms/ndr.js';
import { PROJECT_LABELS, type ProjectLabelsOptions } from './transforms/project-labels.js';
import { REINDEX, type ReindexOptions } from './transforms/reindex.js';
import { RESIZE, type ResizeOptions } from './transforms/resize.js';
import { LABEL_RANDOM_SAMPLER, RANDOM_SAMPLER, type LabelRandomSamplerOptions, type RandomSamplerOptions } from './transforms/samplers.js';
import { SORT, type SortOptions } from './transforms/sort.js';
import { SPLIT, type SplitOptions } from './transforms/split.js';

export { copyLabels, presentSubsets, type DatasetParts, type ItemRef } from './transforms/common.js';
export type {
  CorrectOptions,
  DatumaroValidationReport,
  LabelRandomSamplerOptions,
  NdrOptions,
  ProjectLabelsOptions,
  RandomSamplerOptions,
  ReindexOptions,
  ResizeOptions,
  SortOptions,
  SplitOptions,
};

/** `remap_labels`: rename, join or delete labels; annotations follow by name. */
export interface RemapLabelsOptions {
  /**
   * Source label name -> new name. Two sources with one target are joined; a target of '' deletes
   * the label and its annotations. Names not in the dataset are ignored (as in Datumaro).
   */
  mapping: Record<string, string> | readonly (readonly [string, string])[];
  /** What happens to labels not in `mapping`: kept as they are (default) or deleted. */
  default?: 'keep' | 'delete';
}

/** `rename`: new item ids from a regular expression. */
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

/** `random_split`: join all subsets and split the items anew at random. */
export interface RandomSplitOptions {
  /**
   * Subset name -> ratio, ratios in [0, 1] summing to 1 (± 1e-6). Default `{ train: 0.67, test: 0.33 }`.
   * Subset `k` gets `floor(n * (r_0 + ... + r_k)) - floor(n * (r_0 + ... + r_{k-1}))` items, the last
   * one the rest (Datumaro's rule).
   */
  splits?: Record<string, number> | readonly (readonly [string, number])[];
  /**
   * An integer; the same seed gives the same split (the same as Datumaro's, which shuffles with
   * Python's `random.seed(seed)` + `random.shuffle`: this is the same Mersenne Twister). Default:
   * a random seed.
   */
  seed?: number;
}

/** `map_subsets`: rename subsets (several may be joined into one). */
export interface MapSubsetsOptions {
  /** Old subset name -> new name ('' means 'default'). Subsets not listed keep their name. */
  mapping: Record<string, string> | readonly (readonly [string, string])[];
}

/** `remove_items`, `remove_images`, `remove_annotations`: which items. */
export interface ItemRefsOptions {
  /** `[id, subset]` pairs; `[id]` alone means that id in every subset. */
  ids: readonly ItemRef[];
}

/** `remove_attributes`: drop item and annotation attributes. */
export interface RemoveAttributesOptions {
  /** The items to clean (default: all). */
  ids?: readonly ItemRef[];
  /** The attribute names to drop (default: all). */
  attributes?: readonly string[];
}

/** `remove_duplicates` (cifarkit's): drop exact and near-duplicate images, as `validate` finds them. */
export interface RemoveDuplicatesOptions {
  /**
   * Of each group of duplicates (items joined by duplicate pairs), keep the first item in this
   * subset; without it (or when no item of the group is in it), the first item in dataset order.
   */
  keep?: string;
  /** Hamming threshold of the pHashes, 0-64 (default 8, as `validate`); 0 drops exact and pHash-identical images only. */
  threshold?: number;
}

/** The options of every transform, by name. */
export interface TransformOptionsMap {
  remap_labels: RemapLabelsOptions;
  rename: RenameOptions;
  random_split: RandomSplitOptions;
  map_subsets: MapSubsetsOptions;
  remove_items: ItemRefsOptions;
  remove_images: ItemRefsOptions;
  remove_annotations: ItemRefsOptions;
  remove_attributes: RemoveAttributesOptions;
  remove_duplicates: RemoveDuplicatesOptions;
  reindex: ReindexOptions;
  sort: SortOptions;
  id_from_image_name: Record<string, never>;
  project_labels: ProjectLabelsOptions;
  resize: ResizeOptions;
  split: SplitOptions;
  random_sampler: RandomSamplerOptions;
  label_random_sampler: LabelRandomSamplerOptions;
  ndr: NdrOptions;
  correct: CorrectOptions;
}

export type TransformName = keyof TransformOptionsMap;

// ---- Shared helpers -------------------------------------------------------------------------
// ---- remap_labels ---------------------------------------------------------------------------

function remapLabels(dataset: DatasetView, options: RemapLabelsOptions): DatasetParts {
  const T = 'remap_labels';
  checkKeys(T, options, ['mapping', 'default']);
  if (options.mapping === undefined) throw invalid(T, 'mapping', "is required: { mapping: { old: 'new' } }");
  const mapping = new Map(pairList(T, 'mapping', options.mapping, isString, 'label name'));
  const action = options.default ?? 'keep';
  if (action !== 'keep' && action !== 'delete') throw invalid(T, 'default', `must be 'keep' or 'delete', got ${show(action)}`);

  const src = dataset.labels.items;
  const target = (name: string): string => mapping.get(name) ?? (action === 'keep' ? name : '');
  const srcNames = new Set(src.map((l) => l.name));
  const dst = new LabelCategories();
  const indexMap = new Map<number, number>();
  src.forEach((label, i) => {
    const name = target(label.name);
    if (name === '') return;
    let j = dst.find(name);
    if (j < 0) {
      // A parent that is itself a label follows that label (renamed, or '' when deleted); any
      // other parent (CIFAR-100's coarse classes) is kept.
      const parent = srcNames.has(label.parent) ? target(label.parent) : label.parent;
      j = dst.add(name, parent);
    }
    indexMap.set(i, j);
  });

  const items = [...dataset].map((item) => {
    let changed = false;
    const annotations: Annotation[] = [];
    for (const ann of item.annotations) {
      labelOf(dataset, T, item, ann.label);
      const j = indexMap.get(ann.label);
      if (j === undefined) changed = true;
      else if (j === ann.label) annotations.push(ann);
      else {
        changed = true;
        annotations.push(new Label(j, ann.attributes));
      }
    }
    return changed ? withItem(item, { annotations }) : item;
  });
  return { items, labels: dst, subsets: presentSubsets(dataset.subsets(), items) };
}

// ---- rename ---------------------------------------------------------------------------------

type Template = ({ text: string } | { group: number | string } | { field: 'id' | 'subset' })[];

/** Splits `{item.id}` / `{item.subset}` fields (Datumaro's `str.format` on the new id) out of literal text. */
function formatFields(T: string, option: string, text: string, literal: (s: string) => Template): Template {
  const out: Template = [];
  let i = 0;
  let buf = '';
  while (i < text.length) {
    const c = text[i]!;
    if ((c === '{' || c === '}') && text[i + 1] === c) {
      buf += c;
      i += 2;
    } else if (c === '{') {
      const end = text.indexOf('}', i);
      const field = end < 0 ? text.slice(i) : text.slice(i + 1, end);
      if (field !== 'item.id' && field !== 'item.subset') {
        throw invalid(T, option, `has the replacement field '{${field}${end < 0 ? '' : '}'}': only {item.id} and {item.subset} exist (write {{ and }} for braces)`);
      }
      for (const part of literal(buf)) out.push(part);
      out.push({ field: field === 'item.id' ? 'id' : 'subset' });
      buf = '';
      i = end + 1;
    } else if (c === '}') {
      throw invalid(T, option, "has a single '}': write }} for a brace");
    } else {
      buf += c;
      i++;
    }
  }
  for (const part of literal(buf)) out.push(part);
  return out;
}

const PY_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Python `re.sub` replacement syntax -> parts. */
function pythonReplacement(T: string, text: string): Template {
  const out: Template = [];
  let buf = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      buf += c;
      continue;
    }
    const d = text[i + 1];
    if (d === undefined) throw invalid(T, 'regex', 'has a replacement that ends with a lone backslash');
    if (d === 'g') {
      const m = /^<([^>]*)>/.exec(text.slice(i + 2));
      if (!m) throw invalid(T, 'regex', "has '\\g' without '<group>' in its replacement");
      const ref = m[1]!;
      if (!/^\d+$/.test(ref) && !/^[A-Za-z_]\w*$/.test(ref)) throw invalid(T, 'regex', `has a bad group name '\\g<${ref}>' in its replacement`);
      out.push({ text: buf }, { group: /^\d+$/.test(ref) ? Number(ref) : ref });
      buf = '';
      i += 1 + m[0].length;
    } else if (d === '0') {
      const m = /^0[0-7]{0,2}/.exec(text.slice(i + 1))!;
      buf += String.fromCharCode(parseInt(m[0], 8));
      i += m[0].length;
    } else if (d >= '1' && d <= '9') {
      // As Python: three octal digits are a character, else one or two digits a group.
      const octal = /^[0-7]{3}/.exec(text.slice(i + 1));
      if (octal) {
        buf += String.fromCharCode(parseInt(octal[0], 8));
        i += 3;
        continue;
      }
      const m = /^[0-9]{1,2}/.exec(text.slice(i + 1))!;
      out.push({ text: buf }, { group: Number(m[0]) });
      buf = '';
      i += m[0].length;
    } else if (d in PY_ESCAPES) {
      buf += PY_ESCAPES[d];
      i++;
    } else if (/[A-Za-z]/.test(d)) {
      throw invalid(T, 'regex', `has the bad escape '\\${d}' in its replacement`);
    } else {
      buf += `\\${d}`;
      i++;
    }
  }
  out.push({ text: buf });
  return out;
}

/** JS `String.prototype.replace` replacement syntax -> parts. */
function jsReplacement(text: string, groupCount: number): Template {
  const out: Template = [];
  let buf = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const d = text[i + 1];
    if (c !== '$' || d === undefined) {
      buf += c;
      continue;
    }
    if (d === '$') {
      buf += '$';
      i++;
    } else if (d === '&') {
      out.push({ text: buf }, { group: 0 });
      buf = '';
      i++;
    } else if (d === '<') {
      const end = text.indexOf('>', i);
      if (end < 0) buf += c;
      else {
        out.push({ text: buf }, { group: text.slice(i + 2, end) });
        buf = '';
        i = end;
      }
    } else if (d >= '0' && d <= '9') {
      // As JS: two digits when that group exists, else one; a group that does not exist stays literal.
      const two = text.slice(i + 1, i + 3);
      const n = /^\d\d$/.test(two) && Number(two) >= 1 && Number(two) <= groupCount ? two : d;
      if (Number(n) >= 1 && Number(n) <= groupCount) {
        out.push({ text: buf }, { group: Number(n) });
        buf = '';
        i += n.length;
      } else buf += c;
    } else {
      // $` and $' (text around the match) are not offered: they are rarely meant in an id.
      buf += c;
    }
  }
  out.push({ text: buf });
  return out;
}

/** Python `re` pattern syntax -> a JS RegExp (named groups, `\A`/`\Z`, a leading inline-flag group). */
function pythonPattern(T: string, source: string): RegExp {
  let flags = 'g';
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(source);
  if (inline) {
    for (const f of inline[1]!) {
      if (f === 'i' || f === 'm' || f === 's') {
        if (!flags.includes(f)) flags += f;
      } else if (f !== 'u') {
        throw invalid(T, 'regex', `uses the inline flag '(?${f})', which JavaScript regular expressions do not have`);
      }
    }
    source = source.slice(inline[0].length);
  }
  const js = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2^')
    .replace(/(^|[^\\])((?:\\\\)*)\\Z/g, '$1$2$');
  try {
    return new RegExp(js, flags);
  } catch (err) {
    throw invalid(T, 'regex', `has a pattern that is not a valid regular expression: ${(err as Error).message}`, err);
  }
}

function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags.replace('y', '')).exec('')!.length - 1;
}

function checkGroups(T: string, option: string, re: RegExp, template: Template): void {
  const count = groupCount(re);
  for (const part of template) {
    if (!('group' in part)) continue;
    const g = part.group;
    if (typeof g === 'number' ? g > count : !re.source.includes(`(?<${g}>`)) {
      throw invalid(T, option, `refers to group ${typeof g === 'number' ? g : `'${g}'`}, which the pattern does not have`);
    }
  }
}

/** Parses `<sep><pattern><sep><replacement><sep>` as Datumaro does (the closing delimiter may be left out). */
export function splitSedExpression(T: string, expression: string): { pattern: string; replacement: string } {
  if (typeof expression !== 'string' || expression.length < 2) {
    throw invalid(T, 'regex', `must look like '|pattern|replacement|' (any delimiter), got ${show(expression)}`);
  }
  const parts = expression.slice(1).split(expression[0]!);
  if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && parts[2] !== '')) {
    throw invalid(
      T,
      'regex',
      `must be <sep>pattern<sep>replacement<sep> with the delimiter '${expression[0]}' used exactly three times, got '${expression}' (pick a delimiter that appears in neither part)`,
    );
  }
  return { pattern: parts[0]!, replacement: parts[1]! };
}

function rename(dataset: DatasetView, options: RenameOptions): DatasetParts {
  const T = 'rename';
  let re: RegExp;
  let template: Template;
  if ('regex' in options) {
    checkKeys(T, options, ['regex']);
    const { pattern, replacement } = splitSedExpression(T, options.regex);
    re = pythonPattern(T, pattern);
    template = formatFields(T, 'regex', replacement, (s) => pythonReplacement(T, s));
    checkGroups(T, 'regex', re, template);
  } else {
    checkKeys(T, options, ['pattern', 'replacement']);
    const { pattern, replacement } = options as { pattern: unknown; replacement: unknown };
    if (pattern === undefined && replacement === undefined) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${T}: give either { regex: '|pattern|replacement|' } or { pattern, replacement }`);
    }
    if (typeof replacement !== 'string') throw invalid(T, 'replacement', `must be a string, got ${show(replacement)}`);
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
    template = formatFields(T, 'replacement', replacement, (s) => jsReplacement(s, groups));
    checkGroups(T, 'replacement', re, template);
  }

  const pairs: [DatasetItem, DatasetItem][] = [];
  for (const item of dataset) {
    const id = item.id.replace(re, (...args: unknown[]) => {
      const named = typeof args[args.length - 1] === 'object' ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
      return template
        .map((part) => {
          if ('text' in part) return part.text;
          if ('field' in part) return part.field === 'id' ? item.id : item.subset;
          const g = typeof part.group === 'number' ? args[part.group] : named?.[part.group];
          return typeof g === 'string' ? g : '';
        })
        .join('');
    });
    if (id === '') throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${T} would give item '${item.id}' (subset '${item.subset}') an empty id`, { item: item.id });
    pairs.push([item, id === item.id ? item : withItem(item, { id })]);
  }
  assertUnique(T, pairs);
  const items = pairs.map(([, out]) => out);
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

// ---- random_split ---------------------------------------------------------------------------


/** Which split (index into `splits`) each of `n` items goes to, as Datumaro's RandomSplit. */
export function randomSplitAssignment(n: number, ratios: readonly number[], seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  new PythonRandom(seed).shuffle(order);
  const assignment = new Array<number>(n);
  let sum = 0;
  let lower = 0;
  ratios.forEach((ratio, split) => {
    sum += ratio;
    const upper = split === ratios.length - 1 ? n : Math.trunc(sum * n);
    for (let p = lower; p < upper; p++) assignment[order[p]!] = split;
    lower = upper;
  });
  return assignment;
}

const DEFAULT_SPLITS: [string, number][] = [
  ['train', 0.67],
  ['test', 0.33],
];

function randomSplit(dataset: DatasetView, options: RandomSplitOptions): DatasetParts {
  const T = 'random_split';
  checkKeys(T, options, ['splits', 'seed']);
  const splits = options.splits === undefined ? DEFAULT_SPLITS : splitList(T, options.splits);
  if (splits.length === 0) throw invalid(T, 'splits', 'must name at least one subset');
  for (const [name, ratio] of splits) {
    if (name === '') throw invalid(T, 'splits', 'has an empty subset name');
    if (!(ratio >= 0 && ratio <= 1)) throw invalid(T, 'splits', `has the ratio ${ratio} for '${name}': ratios are in [0, 1]`);
  }
  const total = splits.reduce((s, [, r]) => s + r, 0);
  if (Math.abs(total - 1) > 1e-6) {
    throw invalid(T, 'splits', `has ratios that sum to ${total}, not 1: ${splits.map(([n, r]) => `${n}:${r}`).join(', ')}`);
  }
  let seed = options.seed;
  if (seed === undefined) seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
  else if (!Number.isSafeInteger(seed)) throw invalid(T, 'seed', `must be an integer, got ${show(seed)}`);

  const source = [...dataset];
  const assignment = randomSplitAssignment(source.length, splits.map(([, r]) => r), seed);
  const pairs = source.map((item, i): [DatasetItem, DatasetItem] => {
    const subset = splits[assignment[i]!]![0];
    return [item, subset === item.subset ? item : withItem(item, { subset })];
  });
  assertUnique(T, pairs);
  const items = pairs.map(([, out]) => out);
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(splits.map(([n]) => n), items) };
}

function splitList(T: string, value: unknown): [string, number][] {
  // Not pairList: a list may name a subset twice (Datumaro allows it; the parts add up).
  if (Array.isArray(value)) {
    return value.map((entry) => {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
        throw invalid(T, 'splits', `must be a list of [subset, ratio] pairs, got the entry ${JSON.stringify(entry) ?? show(entry)}`);
      }
      return [entry[0], entry[1]];
    });
  }
  return pairList(T, 'splits', value, isNumber, 'ratio');
}

// ---- map_subsets ----------------------------------------------------------------------------

function mapSubsets(dataset: DatasetView, options: MapSubsetsOptions): DatasetParts {
  const T = 'map_subsets';
  checkKeys(T, options, ['mapping']);
  if (options.mapping === undefined) throw invalid(T, 'mapping', "is required: { mapping: { old: 'new' } }");
  // '' is Datumaro's "no subset", which it names 'default'.
  const mapping = new Map(pairList(T, 'mapping', options.mapping, isString, 'subset name').map(([k, v]) => [k, v || 'default']));
  const pairs = [...dataset].map((item): [DatasetItem, DatasetItem] => {
    const subset = mapping.get(item.subset) ?? item.subset;
    return [item, subset === item.subset ? item : withItem(item, { subset })];
  });
  assertUnique(T, pairs);
  const items = pairs.map(([, out]) => out);
  const order = dataset.subsets().map((s) => mapping.get(s) ?? s);
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(order, items) };
}

// ---- remove_* -------------------------------------------------------------------------------

function removeBy(T: string, dataset: DatasetView, options: ItemRefsOptions, apply: (item: DatasetItem) => DatasetItem | null): DatasetParts {
  checkKeys(T, options, ['ids']);
  if (options.ids === undefined) throw invalid(T, 'ids', "is required: { ids: [['id', 'subset']] }");
  const matches = refMatcher(itemRefs(T, 'ids', options.ids));
  const items: DatasetItem[] = [];
  for (const item of dataset) {
    const out = matches(item) ? apply(item) : item;
    if (out) items.push(out);
  }
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

function removeAttributes(dataset: DatasetView, options: RemoveAttributesOptions): DatasetParts {
  const T = 'remove_attributes';
  checkKeys(T, options, ['ids', 'attributes']);
  const matches = options.ids === undefined ? () => true : refMatcher(itemRefs(T, 'ids', options.ids));
  const names = options.attributes;
  if (names !== undefined && (!Array.isArray(names) || !names.every(isString))) {
    throw invalid(T, 'attributes', `must be a list of attribute names, got ${show(names)}`);
  }
  const drop = names === undefined || names.length === 0 ? null : new Set(names);
  const clean = (attrs: Record<string, unknown>): Record<string, unknown> =>
    drop ? Object.fromEntries(Object.entries(attrs).filter(([k]) => !drop.has(k))) : {};
  const items = [...dataset].map((item) =>
    matches(item)
      ? withItem(item, { attributes: clean(item.attributes), annotations: item.annotations.map((a) => new Label(a.label, clean(a.attributes))) })
      : item,
  );
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

function removeDuplicates(dataset: DatasetView, options: RemoveDuplicatesOptions): DatasetParts {
  const T = 'remove_duplicates';
  checkKeys(T, options, ['keep', 'threshold']);
  if (options.keep !== undefined && typeof options.keep !== 'string') throw invalid(T, 'keep', `must be a subset name, got ${show(options.keep)}`);
  const all = [...dataset];
  const drop = duplicatesToDrop(all, options.threshold, options.keep, T);
  const items = all.filter((_, i) => !drop.has(i));
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

// ---- The registry ---------------------------------------------------------------------------


const TRANSFORMS: Record<TransformName, TransformEntry> = {
  remap_labels: {
    summary: 'Renames, joins or deletes labels; annotations follow by name.',
    run: remapLabels as TransformEntry['run'],
    args: [
      {
        flags: ['-l', '--label'],
        key: 'mapping',
        metavar: '<src>:<dst>',
        help: "rename src to dst; 'src:' deletes src (repeatable)",
        repeat: true,
        parse: (v) => colonPair(v, '<src>:<dst>'),
      },
      {
        flags: ['--default'],
        key: 'default',
        metavar: 'keep|delete',
        help: 'what happens to labels not listed (default: keep)',
        parse: (v) => {
          if (v !== 'keep' && v !== 'delete') throw `expected 'keep' or 'delete', got '${v}'`;
          return v;
        },
      },
    ],
  },
  rename: {
    summary: "Renames items with a regular expression: '|<pattern>|<replacement>|' (Python re syntax, {item.id} and {item.subset} fields).",
    run: rename as TransformEntry['run'],
    args: [{ flags: ['-e', '--regex'], key: 'regex', metavar: "'|pattern|replacement|'", help: 'the expression (any delimiter)', parse: (v) => v }],
  },
  random_split: {
    summary: 'Joins all subsets and splits the items anew at random, by ratios.',
    run: randomSplit as TransformEntry['run'],
    args: [
      {
        flags: ['-s', '--subset'],
        key: 'splits',
        metavar: '<subset>:<ratio>',
        help: 'a subset and its share, ratios summing to 1 (repeatable; default: train:.67, test:.33)',
        repeat: true,
        parse: (v) => {
          const [name, ratio] = colonPair(v, '<subset>:<ratio>');
          const r = ratio.trim() === '' ? NaN : Number(ratio);
          if (Number.isNaN(r)) throw `'${ratio}' is not a number in '${v}'`;
          return [name, r];
        },
      },
      {
        flags: ['--seed'],
        key: 'seed',
        metavar: '<int>',
        help: 'random seed (the same split as Datumaro for the same seed)',
        parse: (v) => {
          if (!/^\s*[+-]?\d+\s*$/.test(v) || !Number.isSafeInteger(Number(v))) throw `expected an integer, got '${v}'`;
          return Number(v);
        },
      },
    ],
  },
  map_subsets: {
    summary: 'Renames subsets (several may be joined into one).',
    run: mapSubsets as TransformEntry['run'],
    args: [
      {
        flags: ['-s', '--subset'],
        key: 'mapping',
        metavar: '<src>:<dst>',
        help: 'rename subset src to dst (repeatable)',
        repeat: true,
        parse: (v) => colonPair(v, '<src>:<dst>'),
      },
    ],
  },
  remove_items: {
    summary: 'Removes items.',
    run: ((d: DatasetView, o: ItemRefsOptions) => removeBy('remove_items', d, o, () => null)) as TransformEntry['run'],
    args: [ID_ARG],
  },
  remove_images: {
    summary: 'Keeps items but drops their images (an annotation-only dataset).',
    run: ((d: DatasetView, o: ItemRefsOptions) => removeBy('remove_images', d, o, (item) => withItem(item, { media: null }))) as TransformEntry['run'],
    args: [ID_ARG],
  },
  remove_annotations: {
    summary: 'Removes all annotations of items.',
    run: ((d: DatasetView, o: ItemRefsOptions) => removeBy('remove_annotations', d, o, (item) => withItem(item, { annotations: [] }))) as TransformEntry['run'],
    args: [ID_ARG],
  },
  remove_attributes: {
    summary: 'Removes item and annotation attributes.',
    run: removeAttributes as TransformEntry['run'],
    args: [
      { ...ID_ARG, help: "an item to clean, as '<id>:<subset>' (repeatable; default: all items)" },
      {
        flags: ['-a', '--attr'],
        key: 'attributes',
        metavar: '<name>',
        help: 'an attribute to remove (repeatable; default: all)',
        repeat: true,
        parse: (v) => v,
      },
    ],
  },
  remove_duplicates: {
    summary: 'Removes exact and near-duplicate images (pHash, as validate finds them), keeping one of each group.',
    run: removeDuplicates as TransformEntry['run'],
    args: [
      { flags: ['--keep'], key: 'keep', metavar: '<subset>', help: "keep the copy in this subset (default: the first in dataset order)", parse: (v) => v },
      {
        flags: ['--threshold'],
        key: 'threshold',
        metavar: '<bits>',
        help: 'Hamming distance 0-64 of near-duplicates (default 8)',
        parse: (v) => {
          if (!/^\s*\d+\s*$/.test(v) || Number(v) > 64) throw `expected an integer 0-64, got '${v}'`;
          return Number(v);
        },
      },
    ],
  },
  reindex: REINDEX,
  sort: SORT,
  id_from_image_name: ID_FROM_IMAGE_NAME,
  project_labels: PROJECT_LABELS,
  resize: RESIZE,
  split: SPLIT,
  random_sampler: RANDOM_SAMPLER,
  label_random_sampler: LABEL_RANDOM_SAMPLER,
  ndr: NDR,
  correct: CORRECT,
};

/** The names of the transforms `Dataset.transform` knows. */
export function transformNames(): TransformName[] {
  return Object.keys(TRANSFORMS) as TransformName[];
}

function entry(name: unknown): TransformEntry {
  if (typeof name !== 'string' || !Object.hasOwn(TRANSFORMS, name)) {
    throw new UsageError(ErrorCode.TRANSFORM_UNKNOWN, `unknown transform ${show(name)}; known transforms: ${transformNames().join(', ')}`);
  }
  return TRANSFORMS[name as TransformName];
}

/** A help text for a transform's command-line options (what `datum transform -t <name> -- -h` shows). */
export function transformUsage(name: string): string {
  const e = entry(name);
  const lines = [`${name}: ${e.summary}`, '', 'Options:'];
  for (const a of e.args) lines.push(`  ${a.flags.join(', ')} ${a.metavar}`.padEnd(40) + ` ${a.help}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The options of a transform from Datumaro's command-line arguments (what follows `--` in
 * `datum transform -t <name> -- <args>`), e.g. `parseTransformArgs('remap_labels', ['-l', 'cat:dog',
 * '-l', 'bird:', '--default', 'delete'])` -> `{ mapping: [['cat', 'dog'], ['bird', '']], default: 'delete' }`.
 * Accepts `-l value`, `-lvalue`, `--label value` and `--label=value`.
 */
export function parseTransformArgs<N extends TransformName>(name: N, argv: readonly string[]): TransformOptionsMap[N];
export function parseTransformArgs(name: string, argv: readonly string[]): object;
export function parseTransformArgs(name: string, argv: readonly string[]): object {
  const e = entry(name);
  if (!Array.isArray(argv) || !argv.every(isString)) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${name}: the arguments must be a list of strings`);
  }
  const known = e.args.flatMap((a) => a.flags).join(', ');
  const options: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let spec: ArgSpec | undefined;
    let value: string | undefined;
    for (const a of e.args) {
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

/** Runs a transform on a dataset view. */
export function applyTransform(dataset: DatasetView, name: string, options: unknown = {}): DatasetParts {
  const e = entry(name);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${name}: options must be an object, got ${show(options)} (use parseTransformArgs for a command line)`);
  }
  try {
    return e.run(dataset, options as never);
  } catch (err) {
    if (err instanceof CifarkitError) throw err;
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
