/**
 * The `@example` blocks of the pickle API (src/pickle, the future `cifarkit/pickle` subpath):
 * every export of src/pickle/index.ts has one on its declaration, each type-checks against the
 * sources (strict, no Node types) and runs, and a `console.log(...); // text` line prints `text`
 * (spaces aside).
 */
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src/pickle');
const INDEX = join(SRC, 'index.ts');

interface Example {
  /** `file:line` of the block. */
  where: string;
  code: string;
}

/** The ```ts blocks after `@example` in the doc comments of one source file. */
function examplesOf(file: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const out: Example[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const lines = comment[0].split('\n').map((l) => l.replace(/^\s*\*? ?/, ''));
    const line = text.slice(0, comment.index).split('\n').length;
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.startsWith('@example')) continue;
      const open = lines.indexOf('```ts', i);
      const close = lines.indexOf('```', open + 1);
      if (open < 0 || close < 0) throw new Error(`${file}:${line + i}: @example without a \`\`\`ts block`);
      out.push({ where: `${file.slice(ROOT.length)}:${line + open}`, code: lines.slice(open + 1, close).join('\n') });
      i = close;
    }
  }
  return out;
}

const examples = readdirSync(SRC)
  .filter((f) => f.endsWith('.ts'))
  .sort()
  .flatMap((f) => examplesOf(join(SRC, f)));

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
  paths: { 'cifarkit/pickle': [INDEX] },
};

/** One program over the sources and every example (as virtual files beside the index). */
function program(): { program: ts.Program; files: Map<string, Example> } {
  const files = new Map(examples.map((e, i) => [join(SRC, `__example${i}.ts`), e]));
  const host = ts.createCompilerHost(OPTIONS);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f)?.code ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => {
    const e = files.get(f);
    return e ? ts.createSourceFile(f, `${e.code}\nexport {};\n`, lang) : getSourceFile.call(host, f, lang, ...rest);
  };
  return { program: ts.createProgram([INDEX, ...files.keys()], OPTIONS, host), files };
}

describe('the pickle API examples', () => {
  const { program: prog, files } = program();

  it('cover every export of src/pickle/index.ts, on its declaration', () => {
    const checker = prog.getTypeChecker();
    const index = checker.getSymbolAtLocation(prog.getSourceFile(INDEX)!)!;
    const exported = checker.getExportsOfModule(index);
    expect(exported.map((s) => s.name).sort()).toEqual(
      ['DType', 'NdArray', 'PyDict', 'PyScalar', 'PyTuple', 'PyValue', 'PyWritable', 'ReadPickleOptions', 'WritePickleOptions', 'allowedGlobals', 'readPickle', 'writePickle', 'writePickleChunks'],
    );
    const missing = exported.filter((s) => {
      const declarations = checker.getAliasedSymbol(s).declarations ?? [];
      return !declarations.some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'example'));
    });
    expect(missing.map((s) => s.name)).toEqual([]);
  });

  it('type-check against the sources', () => {
    const problems = [...files.keys()].flatMap((f) =>
      ts.getPreEmitDiagnostics(prog, prog.getSourceFile(f)).map((d) => {
        const at = d.start === undefined ? '' : `:${d.file!.getLineAndCharacterOfPosition(d.start).line + 1}`;
        return `${files.get(f)!.where} (+${at.slice(1) || '?'}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
    expect(examples.length).toBeGreaterThanOrEqual(12);
    expect(problems).toEqual([]);
  });

  it.each(examples.map((e) => [e.where, e] as const))('%s runs and prints what it says', async (_where, example) => {
    const bundle = await build({
      stdin: { contents: example.code, resolveDir: SRC, loader: 'ts' },
      alias: { 'cifarkit/pickle': INDEX },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const printed: string[] = [];
    const console = { log: (...args: unknown[]) => printed.push(format(...args)) };
    new Function('console', bundle.outputFiles[0]!.text)(console);
    const promised = [...example.code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]!);
    const squeeze = (s: string): string => s.replace(/\s+/g, '');
    expect(printed.map(squeeze)).toEqual(promised.map(squeeze));
  });
});
