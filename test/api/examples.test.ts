/**
 * The `@example` blocks of the public API: every export of the three entries (src/index.ts =
 * 'cifarkit' for Node and Deno, src/browser.ts, src/pickle/index.ts = 'cifarkit/pickle') has one
 * on its declaration; every ```ts block after an `@example` in src/ (but src/cli) type-checks
 * against the sources (strict, no Node types: the examples hold in every runtime), runs, and a
 * `console.log(...); // text` line prints `text` (spaces aside).
 *
 * The examples run in one Node process, one after the other, from a scratch folder that holds
 * `cifar-10-batches-py/` (a copy of Datumaro's CIFAR-10 test asset,
 * test/fixtures/datumaro/cifar10_dataset: 5 images in data_batch_1 and test_batch, 4 labels) and
 * `data/cifar-10-python.tar.gz` (test/fixtures/archives), and in which they may write.
 */
import { build, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');
/** The entries and what an example imports them as. */
const ENTRIES = { cifarkit: join(SRC, 'index.ts'), 'cifarkit/pickle': join(SRC, 'pickle/index.ts') };
const BROWSER = join(SRC, 'browser.ts');
/** Folders whose doc comments are no part of the library API. */
const SKIPPED = [join(SRC, 'cli')];

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
      const next = lines.findIndex((l, j) => j > i && l.startsWith('@'));
      if (open < 0 || close < 0 || (next >= 0 && next < open)) throw new Error(`${file}:${line + i}: @example without a \`\`\`ts block`);
      out.push({ where: `${relative(ROOT, file)}:${line + open}`, code: lines.slice(open + 1, close).join('\n') });
      i = close;
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  if (SKIPPED.includes(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.generated.ts') ? [join(dir, e.name)] : []));
}

const examples = sourceFiles(SRC).flatMap(examplesOf);

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
  paths: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, [file]])),
};

/** One program over the entries and every example (as virtual files beside src/). */
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
  return { program: ts.createProgram([...Object.values(ENTRIES), BROWSER, ...files.keys()], OPTIONS, host), files };
}

/** Bundles every example (and a runner) for Node, runs them in one process; what each printed, or its error. */
function runAll(): { printed: string[][]; failed: (string | null)[] } {
  const out = mkdtempSync(join(tmpdir(), 'cifarkit-examples-'));
  scratch.push(out);
  const work = join(out, 'work');
  cpSync(join(ROOT, 'test/fixtures/datumaro/cifar10_dataset'), join(work, 'cifar-10-batches-py'), { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/archives/cifar-10-python.tar.gz'), join(work, 'data/cifar-10-python.tar.gz'));
  // Not bundled (esbuild would resolve the dynamic import at build time); './state.js' is the
  // bundle's own copy of the runtime switches, so what one example sets is undone for the next.
  const runner = `
import { format } from 'node:util';
import { getBackend, setBackend, getInflater, setInflater } from './state.js';
const results = [];
const log = console.log;
for (let i = 0; i < ${examples.length}; i++) {
  const printed = [];
  console.log = (...args) => printed.push(format(...args));
  const backend = getBackend(), inflater = getInflater();
  let failed = null;
  try { await import('./example' + i + '.js'); } catch (e) { failed = String(e?.stack ?? e); }
  console.log = log;
  setBackend(backend); setInflater(inflater);
  results.push({ printed, failed });
}
process.stdout.write(JSON.stringify(results));
`;
  const virtual: Plugin = {
    name: 'examples',
    setup(b) {
      b.onResolve({ filter: /^virtual:/ }, (args) => ({ path: args.path, namespace: 'examples' }));
      b.onLoad({ filter: /.*/, namespace: 'examples' }, (args) => {
        const i = args.path.slice('virtual:'.length);
        const contents = i === 'state' ? "export { getBackend, setBackend, getInflater, setInflater } from 'cifarkit';" : examples[Number(i)]!.code;
        return { contents, loader: 'ts', resolveDir: work };
      });
    },
  };
  const entryPoints = [{ in: 'virtual:state', out: 'state' }, { in: join(SRC, 'io/encode-worker.ts'), out: 'encode-worker' }, ...examples.map((_, i) => ({ in: `virtual:${i}`, out: `example${i}` }))];
  return build({
    entryPoints,
    alias: ENTRIES,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    outdir: out,
    plugins: [virtual],
    logLevel: 'silent',
  }).then(() => {
    writeFileSync(join(out, 'package.json'), '{"type":"module"}');
    writeFileSync(join(out, 'runner.js'), runner);
    const results = JSON.parse(execFileSync(process.execPath, [join(out, 'runner.js')], { cwd: work, encoding: 'utf8', maxBuffer: 1 << 26 })) as { printed: string[]; failed: string | null }[];
    return { printed: results.map((r) => r.printed), failed: results.map((r) => r.failed) };
  }) as never;
}

const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the API examples', () => {
  const { program: prog, files } = program();
  const checker = prog.getTypeChecker();

  const exportsOf = (file: string): ts.Symbol[] => checker.getExportsOfModule(checker.getSymbolAtLocation(prog.getSourceFile(file)!)!);

  it.each([...Object.values(ENTRIES), BROWSER].map((f) => [relative(ROOT, f), f]))('cover every export of %s, on its declaration', (_name, file) => {
    const exported = exportsOf(file);
    expect(exported.length).toBeGreaterThanOrEqual(13);
    const missing = exported.filter((s) => {
      const declarations = checker.getAliasedSymbol(s).declarations ?? [];
      return !declarations.some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'example'));
    });
    expect(missing.map((s) => s.name)).toEqual([]);
  });

  it('the browser entry exports what the Node one does, but downloadCifar and its types', () => {
    const names = (f: string): string[] => exportsOf(f).map((s) => s.name).sort();
    const node = names(ENTRIES.cifarkit);
    const browser = names(BROWSER);
    expect(node.filter((n) => !browser.includes(n))).toEqual(['CIFAR_ARCHIVES', 'CifarArchive', 'CifarDatasetName', 'CifarVersion', 'DownloadOptions', 'DownloadResult', 'downloadCifar']);
    expect(browser.filter((n) => !node.includes(n))).toEqual([]);
  });

  it('type-check against the sources', () => {
    const problems = [...files.keys()].flatMap((f) =>
      ts.getPreEmitDiagnostics(prog, prog.getSourceFile(f)).map((d) => {
        const at = d.start === undefined ? '?' : `${d.file!.getLineAndCharacterOfPosition(d.start).line + 1}`;
        return `${files.get(f)!.where} (+${at}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
    expect(examples.length).toBeGreaterThanOrEqual(100);
    expect(problems).toEqual([]);
  });

  describe('run', async () => {
    const { printed, failed } = await runAll();
    it.each(examples.map((e, i) => [e.where, i] as const))('%s runs and prints what it says', (_where, i) => {
      expect(failed[i]).toBeNull();
      const promised = [...examples[i]!.code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]!);
      const squeeze = (s: string): string => s.replace(/\s+/g, '');
      expect(printed[i]!.map(squeeze)).toEqual(promised.map(squeeze));
    });
  });
});
