/**
 * Dataset filtering as in Datumaro (`datum filter`, `Dataset.filter`): an XPath 1.0 expression
 * over an XML view of each item (Datumaro's `DatasetItemEncoder`), or a function.
 *
 * The XML view of an item, element for element as Datumaro builds it (only what cifarkit has:
 * images and label annotations):
 *
 * ```xml
 * <item>
 *   <id>img_1</id>
 *   <subset>train</subset>
 *   <image>
 *     <height>32</height>
 *     <width>32</width>
 *     <has_data>1</has_data>
 *   </image>
 *   <annotation>
 *     <id>0</id>
 *     <type>label</type>
 *     <!-- one element per annotation attribute: <name>str(value)</name> -->
 *     <group>0</group>
 *     <label>dog</label>
 *     <label_id>5</label_id>
 *   </annotation>
 * </item>
 * ```
 *
 * XPath engine: the `xpath` package (XPath 1.0, as lxml, which Datumaro uses), over a DOM built
 * with `@xmldom/xmldom`'s DOM module (no parser: the XML is never text). Both are pure JS.
 */
// xmldom's DOM module alone: its package index also pulls in the XML parser and the HTML entity
// table, which a filter never uses (~55 KB of minified code).
// @ts-expect-error -- the module has no declaration of its own; typed by XmlDomModule below.
import * as xmldomDom from '@xmldom/xmldom/lib/dom.js';
import xpathModule from 'xpath';
import { CifarkitError, ErrorCode, UsageError } from '../errors.js';
import type { DatasetView } from '../model/view.js';
import type { Annotation, LabelCategories } from '../model/annotations.js';
import { DatasetItem } from '../model/item.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../model/subsets.js';

/**
 * What to filter (Datumaro's `-m/--mode`):
 * - `'i'` (`'items'`): keep the items for which the expression is true (a non-empty node-set,
 *   `true()`, a non-zero number or a non-empty string, as Python's `bool()` of lxml's result);
 * - `'a'` (`'annotations'`): keep, in every item, the annotations the expression selects
 *   (it must select `annotation` elements: `/item/annotation[label="dog"]`); items stay;
 * - `'i+a'` (`'a+i'`, `'items+annotations'`, `'annotations+items'`): as `'a'`, then drop the
 *   items left without annotations.
 *
 * @example
 * ```ts
 * import { Dataset, type FilterMode } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const mode: FilterMode = 'i+a';
 * console.log(ds.filter('/item/annotation[label="cat"]', { mode }).size); // 2
 * ```
 */
export type FilterMode = 'i' | 'a' | 'i+a' | 'items' | 'annotations' | 'items+annotations' | 'a+i' | 'annotations+items';

/**
 * The options of `Dataset.filter` with an XPath expression.
 *
 * @example
 * ```ts
 * import { Dataset, type FilterOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: FilterOptions = { mode: 'a' };
 * const catsOnly = ds.filter('/item/annotation[label="cat"]', options);
 * console.log(catsOnly.size, catsOnly.get('image_1')?.annotations.length); // 5 0
 * ```
 */
export interface FilterOptions {
  /** What to filter, items or annotations (default `'i'`). */
  mode?: FilterMode;
}

/**
 * A programmatic item filter: true keeps the item.
 *
 * @example
 * ```ts
 * import { Dataset, type ItemPredicate } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const small: ItemPredicate = (item) => (item.media?.width ?? 0) < 32;
 * console.log(ds.filter(small).size); // 1
 * ```
 */
export type ItemPredicate = (item: DatasetItem) => boolean;
/**
 * A programmatic annotation filter (modes `'a'`, `'i+a'`): true keeps the annotation.
 *
 * @example
 * ```ts
 * import { Dataset, type AnnotationPredicate } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const notCat: AnnotationPredicate = (_item, annotation) => annotation.label !== ds.labels.find('cat');
 * console.log(ds.filter(notCat, { mode: 'i+a' }).size); // 3
 * ```
 */
export type AnnotationPredicate = (item: DatasetItem, annotation: Annotation) => boolean;

const MODES: Record<string, { annotations: boolean; removeEmpty: boolean }> = {
  i: { annotations: false, removeEmpty: false },
  items: { annotations: false, removeEmpty: false },
  a: { annotations: true, removeEmpty: false },
  annotations: { annotations: true, removeEmpty: false },
  'i+a': { annotations: true, removeEmpty: true },
  'a+i': { annotations: true, removeEmpty: true },
  'items+annotations': { annotations: true, removeEmpty: true },
  'annotations+items': { annotations: true, removeEmpty: true },
};

function parseMode(mode: unknown): { annotations: boolean; removeEmpty: boolean } {
  if (mode === undefined) return MODES.i!;
  const m = typeof mode === 'string' ? MODES[mode] : undefined;
  if (!m || !Object.hasOwn(MODES, mode as string)) {
    throw new UsageError(
      ErrorCode.INVALID_ARGUMENT,
      `filter option 'mode' must be 'i', 'a' or 'i+a' (or 'items', 'annotations', 'items+annotations', 'a+i', 'annotations+items'), got ${describe(mode)}`,
    );
  }
  return m;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : typeof v === 'function' ? 'a function' : String(v);
}

// ---- The XPath engine and the DOM it walks -------------------------------------------------

interface XmlDomModule {
  DOMImplementation: new () => { createDocument(ns: string | null, qualifiedName: string, doctype: null): Document };
}

/** The result objects of the `xpath` package (XPath 1.0 values). */
interface XObject {
  booleanValue(): boolean;
  stringValue(): string;
  numberValue(): number;
  nodeset?: () => { toArray(): Node[] };
}

interface XPathModule {
  parse(expression: string): { evaluate(options: { node: Node }): XObject };
  XNodeSet: new () => XObject;
  XBoolean: new (b: boolean) => XObject;
  XNumber: new (n: number | string) => XObject;
  XString: new (s: string) => XObject;
  XPathParser: XPathParserClass;
}

/** The parser's LR tables; read only to tell where a parse failed (the library says just "XPath parse error"). */
interface XPathParserClass {
  new (): { tokenize(s: string): [number[], string[]] };
  actionTable: string[];
  actionTableNumber: string[];
  gotoTable: string[];
  productions: [number, number, ...unknown[]][];
}

const xpath = xpathModule as unknown as XPathModule;
const dom = xmldomDom as XmlDomModule;

// Strings become numbers as in lxml (libxml2), the engine Datumaro runs: xpath 0.0.34 reads a
// node-set with JS `Number()` (the empty set gives 0 where XPath gives NaN: `image/width * 2`
// of an item without an image would be 0) and strings with the spec's strict grammar, which has
// no exponent, where libxml2 reads '1e-05' (Python's str() of a small float) as 1e-05.
{
  const numberProto = xpath.XNumber.prototype as XObject & { parse(s: string): number };
  numberProto.parse = libxml2Number;
  const nodeSetProto = xpath.XNodeSet.prototype as XObject & { number(): XObject };
  nodeSetProto.number = function (this: XObject) {
    return new xpath.XNumber(this.stringValue());
  };
  nodeSetProto.numberValue = function (this: XObject) {
    return libxml2Number(this.stringValue());
  };
}

/**
 * libxml2's `xmlXPathStringEvalNumber`: blanks, an optional '-', digits with an optional
 * fraction, an optional exponent (whose digits may be missing), blanks; anything else is NaN.
 */
function libxml2Number(text: string): number {
  // The blanks are cut by hand: as `^[ \t\r\n]*...[ \t\r\n]*$` the regex backtracks over every
  // split of a long run of blanks between its two ends (quadratic); what is left matches in one pass.
  let start = 0;
  let end = text.length;
  while (start < end && isXmlBlank(text.charCodeAt(start))) start++;
  while (end > start && isXmlBlank(text.charCodeAt(end - 1))) end--;
  const m = /^(-?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?)([0-9]*))?$/.exec(text.slice(start, end));
  if (!m) return NaN;
  const [, minus, whole, fraction, expSign, expDigits] = m;
  if (!minus && whole === '' && fraction === undefined) return NaN; // '' or a leading 'e'
  if (whole === '' && fraction === '') return NaN; // '.' alone
  const value = Number(`${whole || '0'}.${fraction || '0'}e${expSign === '-' ? '-' : ''}${expDigits || '0'}`);
  return minus ? -value : value;
}

/** XML's blanks (space, tab, CR, LF), the only ones libxml2 skips around a number. */
function isXmlBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** A compiled XPath expression. */
class CompiledXPath {
  private readonly compiled: { evaluate(options: { node: Node }): XObject };

  constructor(readonly expression: string) {
    if (typeof expression !== 'string' || expression.trim() === '') {
      throw new UsageError(ErrorCode.FILTER_INVALID, `a filter needs an XPath expression such as '/item[annotation/label="dog"]', got ${describe(expression)}`);
    }
    try {
      this.compiled = xpath.parse(expression);
    } catch (err) {
      throw new UsageError(ErrorCode.FILTER_INVALID, `invalid XPath expression '${expression}': ${parseErrorReason(expression, err)}`, { cause: err });
    }
  }

  /** Evaluates on an item element; `item` names the item in errors. */
  evaluate(node: Element, item: DatasetItem): XObject {
    try {
      return this.compiled.evaluate({ node });
    } catch (err) {
      throw new UsageError(
        ErrorCode.FILTER_INVALID,
        `XPath expression '${this.expression}' cannot be evaluated: ${err instanceof Error ? err.message : String(err)}`,
        { item: item.id, cause: err },
      );
    }
  }
}

/** Why an expression does not parse: the library's message, with the offending token when it can be found. */
function parseErrorReason(expression: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (message !== 'XPath parse error') return message;
  try {
    const where = locateParseError(expression);
    return where ? `${message}: ${where}` : message;
  } catch {
    return message;
  }
}

/** Replays the library's LR automaton (its own tables) to find the first token it cannot shift. */
function locateParseError(expression: string): string | null {
  const P = xpath.XPathParser;
  const [types, values] = new P().tokenize(expression);
  const states = [0];
  let pos = 0;
  for (let steps = 0; steps < 100_000; steps++) {
    const s = states[states.length - 1]!;
    const a = types[pos]!;
    const action = P.actionTable[s]!.charAt(a - 1);
    const n = P.actionTableNumber[s]!.charCodeAt(a - 1) - 32;
    if (action === 's') {
      states.push(n);
      pos++;
    } else if (action === 'r') {
      const [lhs, length] = P.productions[n]!;
      states.length -= length;
      states.push(P.gotoTable[states[states.length - 1]!]!.charCodeAt(lhs - 2) - 33);
    } else if (action === 'a') {
      return null;
    } else {
      const token = values[pos];
      return token === undefined || token === '[EOF]' ? 'the expression ends too early' : `unexpected '${token}' (token ${pos + 1})`;
    }
  }
  return null;
}

// ---- The XML view (Datumaro's DatasetItemEncoder) ------------------------------------------

/** An element tree, built once per item, that both the DOM and the text view are made from. */
interface XmlNode {
  name: string;
  text?: string;
  children?: XmlNode[];
}

/** XML 1.0 NCName (no ':'): lxml refuses other tag names; such attributes are left out of the view. */
const XML_NAME = /^[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][A-Za-z0-9_.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]*$/;

function labelName(labels: LabelCategories, index: number): string {
  // Datumaro writes '' when the dataset has no label categories.
  return labels.items[index]?.name ?? '';
}

function encodeAnnotation(ann: Annotation, labels: LabelCategories): XmlNode {
  const children: XmlNode[] = [
    { name: 'id', text: '0' },
    { name: 'type', text: ann.type },
  ];
  for (const [key, value] of Object.entries(ann.attributes)) {
    const name = (/^[0-9]+$/.test(key) ? `_${key}` : key).replaceAll(' ', '-');
    if (XML_NAME.test(name)) children.push({ name, text: pyStr(value) });
  }
  children.push({ name: 'group', text: '0' });
  children.push({ name: 'label', text: labelName(labels, ann.label) });
  children.push({ name: 'label_id', text: String(ann.label) });
  return { name: 'annotation', children };
}

function encodeItem(item: DatasetItem, labels: LabelCategories): XmlNode {
  const children: XmlNode[] = [
    { name: 'id', text: item.id },
    { name: 'subset', text: item.subset },
  ];
  const image = item.media;
  if (image) {
    children.push({
      name: 'image',
      children: [
        { name: 'height', text: String(image.height) },
        { name: 'width', text: String(image.width) },
        { name: 'has_data', text: image.hasData ? '1' : '0' },
      ],
    });
  }
  for (const ann of item.annotations) children.push(encodeAnnotation(ann, labels));
  return { name: 'item', children };
}

function toDom(tree: XmlNode): { root: Element; annotations: Element[] } {
  const doc = new dom.DOMImplementation().createDocument(null, tree.name, null);
  const build = (parent: Element, node: XmlNode): Element => {
    for (const child of node.children ?? []) {
      const el = doc.createElement(child.name);
      if (child.text !== undefined) el.appendChild(doc.createTextNode(child.text));
      parent.appendChild(build(el, child));
    }
    return parent;
  };
  const root = build(doc.documentElement, tree);
  const annotations: Element[] = [];
  for (let n = root.firstChild; n; n = n.nextSibling) if (n.nodeName === 'annotation') annotations.push(n as Element);
  return { root, annotations };
}

function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function serialize(node: XmlNode, indent: string, out: string[]): void {
  if (node.children) {
    out.push(`${indent}<${node.name}>`);
    for (const child of node.children) serialize(child, `${indent}  `, out);
    out.push(`${indent}</${node.name}>`);
  } else {
    out.push(`${indent}<${node.name}>${escapeXml(node.text ?? '')}</${node.name}>`);
  }
}

/**
 * The XML text that filter expressions are evaluated against for this item (what Datumaro's
 * `datum filter --dry-run` prints), indented by two spaces. `labels` gives the label names.
 *
 * @example
 * ```ts
 * import { DatasetItem, itemToXml, Label, LabelCategories } from 'cifarkit';
 *
 * const item = new DatasetItem({ id: 'a', subset: 'train', annotations: [new Label(1)] });
 * console.log(itemToXml(item, LabelCategories.fromIterable(['cat', 'dog'])).includes('<label>dog</label>')); // true
 * ```
 */
export function itemToXml(item: DatasetItem, labels: LabelCategories): string {
  const out: string[] = [];
  serialize(encodeItem(item, labels), '', out);
  return `${out.join('\n')}\n`;
}

/** `str(value)` as Python prints it, for attribute values in the XML view. */
function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    return quote + value.replaceAll('\\', '\\\\').replaceAll(quote, `\\${quote}`).replaceAll('\n', '\\n') + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** A JS number as Python prints it: integers as ints, others as float repr ('1e-05', '1e+16', 'nan', 'inf'). */
function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n)) return BigInt(n).toString();
  // Shortest round-trip digits, placed by Python's repr rule: scientific when the decimal
  // exponent is < -4 or >= 16.
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(n);
}

// ---- Filtering -----------------------------------------------------------------------------

const isA = (result: XObject, type: new (...args: never[]) => XObject): boolean => result instanceof type;

/** Python's truth value of lxml's XPath result: a node-set is true when non-empty; NaN is true. */
function truthy(result: XObject): boolean {
  if (isA(result, xpath.XNodeSet)) return result.nodeset!().toArray().length > 0;
  if (isA(result, xpath.XNumber)) return result.numberValue() !== 0;
  if (isA(result, xpath.XString)) return result.stringValue().length > 0;
  return result.booleanValue();
}

function resultKind(result: XObject): string {
  if (isA(result, xpath.XBoolean)) return 'a boolean';
  if (isA(result, xpath.XNumber)) return 'a number';
  if (isA(result, xpath.XString)) return 'a string';
  return 'a value';
}

/** Applies a filter to a dataset; the result shares items (and so pixel buffers) with it. */
export function filterDataset(
  dataset: DatasetView,
  filter: string | ItemPredicate | AnnotationPredicate,
  options: FilterOptions = {},
): DatasetParts {
  if (options === null || typeof options !== 'object') {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `filter options must be an object such as { mode: 'i+a' }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'mode') throw new UsageError(ErrorCode.INVALID_ARGUMENT, `unknown filter option '${key}' (known: mode)`);
  }
  const mode = parseMode(options.mode);
  const labels = dataset.labels;

  let keepItem: (item: DatasetItem) => boolean;
  let keepAnnotations: (item: DatasetItem) => boolean[];
  if (typeof filter === 'function') {
    const fn = filter as (item: DatasetItem, annotation?: Annotation) => unknown;
    keepItem = (item) => Boolean(fn(item));
    keepAnnotations = (item) => item.annotations.map((ann) => Boolean(fn(item, ann)));
  } else if (typeof filter === 'string') {
    const xp = new CompiledXPath(filter);
    keepItem = (item) => truthy(xp.evaluate(toDom(encodeItem(item, labels)).root, item));
    keepAnnotations = (item) => {
      const { root, annotations } = toDom(encodeItem(item, labels));
      const result = xp.evaluate(root, item);
      // Datumaro iterates the result: an empty string selects nothing; other non-node values fail.
      if (isA(result, xpath.XString) && result.stringValue() === '') return annotations.map(() => false);
      if (!isA(result, xpath.XNodeSet)) {
        throw new UsageError(
          ErrorCode.FILTER_INVALID,
          `in annotation mode the XPath expression '${filter}' must select annotation elements (such as /item/annotation[label="dog"]), but it gives ${resultKind(result)}`,
          { item: item.id },
        );
      }
      const selected = new Set(result.nodeset!().toArray());
      return annotations.map((el) => selected.has(el));
    };
  } else {
    throw new UsageError(ErrorCode.FILTER_INVALID, `a filter is an XPath expression (string) or a function, got ${describe(filter)}`);
  }

  const items: DatasetItem[] = [];
  for (const item of dataset) {
    try {
      if (!mode.annotations) {
        if (keepItem(item)) items.push(item);
        continue;
      }
      const keep = keepAnnotations(item);
      const annotations = item.annotations.filter((_, i) => keep[i]);
      if (mode.removeEmpty && annotations.length === 0) continue;
      items.push(
        annotations.length === item.annotations.length
          ? item
          : new DatasetItem({ id: item.id, subset: item.subset, media: item.media, annotations, attributes: item.attributes }),
      );
    } catch (err) {
      throw err instanceof CifarkitError ? err.withLocation({ item: item.id }) : err;
    }
  }
  return { items, labels: copyLabels(labels), subsets: presentSubsets(dataset.subsets(), items) };
}
