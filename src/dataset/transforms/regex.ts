/**
 * Python `re` as Datumaro's rename uses it, translated to JavaScript: the pattern (`(?P<name>...)`,
 * `(?P=name)`, `\A`, `\Z`, a leading inline-flag group), `re.sub`'s replacement syntax (`\1`,
 * `\g<1>`, `\g<name>`, octal and character escapes), JavaScript's own replacement syntax for the
 * JS form of the options, and the `{item.id}` / `{item.subset}` fields of `str.format`.
 */
import { invalid, show } from './options.js';

/** A replacement as parts: literal text, a group (by number or name) or an item field. */
export type Template = ({ text: string } | { group: number | string } | { field: 'id' | 'subset' })[];

/** Splits `{item.id}` / `{item.subset}` fields (Datumaro's `str.format` on the new id) out of literal text. */
export function formatFields(T: string, option: string, text: string, literal: (s: string) => Template): Template {
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
export function pythonReplacement(T: string, text: string): Template {
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
export function jsReplacement(text: string, groupCount: number): Template {
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
export function pythonPattern(T: string, source: string): RegExp {
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

export function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags.replace('y', '')).exec('')!.length - 1;
}

export function checkGroups(T: string, option: string, re: RegExp, template: Template): void {
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

/** `text` with every match of `re` replaced by `template`, the fields filled from `fields`. */
export function substitute(text: string, re: RegExp, template: Template, fields: { id: string; subset: string }): string {
  return text.replace(re, (...args: unknown[]) => {
    const named = typeof args[args.length - 1] === 'object' ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
    return template
      .map((part) => {
        if ('text' in part) return part.text;
        if ('field' in part) return fields[part.field];
        const g = typeof part.group === 'number' ? args[part.group] : named?.[part.group];
        return typeof g === 'string' ? g : '';
      })
      .join('');
  });
}
