/**
 * No data-sized array is spread into a call: `f(...arr)`, `push(...arr)`, `Math.max(...arr)`
 * pass every element as an argument, and past ~120,000 of them V8 throws a raw RangeError
 * (issue 14: a 130k-item dataset crashed `validate`). This walks the syntax tree of every file of
 * src/ and web/ with the TypeScript compiler (formatting cannot hide a spread from it) and
 * reports each spread argument of a call or `new`; a spread that is provably small carries a
 * `spread-ok: <why>` comment on its line or the line above.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p)); // spread-ok: a folder's entries, in a test
    else if (/\.(ts|mjs|js)$/.test(name) && !name.endsWith('.generated.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Each spread argument of a call or `new` in `source`: `file:line: text`, unless marked spread-ok. */
export function dataSpreads(path: string, text: string): string[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const lines = text.split('\n');
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      for (const arg of node.arguments) {
        if (!ts.isSpreadElement(arg)) continue;
        const line = sf.getLineAndCharacterOfPosition(arg.getStart(sf)).line;
        const marked = /spread-ok:/.test(lines[line] ?? '') || /spread-ok:/.test(lines[line - 1] ?? '');
        if (!marked) found.push(`${relative(ROOT, path)}:${line + 1}: ${node.getText(sf).replace(/\s+/g, ' ').slice(0, 100)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('no data-sized spreads into calls (src/, web/)', () => {
  it('finds spreads however they are written, and honours spread-ok only where it is', () => {
    const probe = ['Math.max(', '  ...counts', ')', 'a.push(...b); // spread-ok: two', '', 'new Set(...x)', 'const y = [...z];', 'f(...[1, 2]) /* not marked */'].join('\n');
    expect(dataSpreads(join(ROOT, 'probe.ts'), probe).map((s) => s.split(': ')[0])).toEqual(['probe.ts:2', 'probe.ts:6', 'probe.ts:8']);
  });

  it('src/ and web/ have none', () => {
    const all = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'web'))].flatMap((p) => dataSpreads(p, readFileSync(p, 'utf8')));
    expect(all).toEqual([]);
  });
});
