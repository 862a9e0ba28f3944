/**
 * Every code block of README.md runs as written, or names the test that covers it.
 *
 * Each fenced block is preceded by a comment `<!-- test: … -->`:
 * - `run`: the block is run here — `sh` blocks by bash (`set -e`, with `cifarkit` on PATH), `ts`
 *   blocks as ES modules by Node (`cifarkit` resolves to this checkout) — in one folder holding
 *   the small sample datasets `cifar-10-batches-py/`, `cifar-100-python/` and
 *   `cifar-10-python.tar.gz`, in README order;
 * - `test/…` or `.ci/…`: a file of the repository whose tests cover the block (it must exist);
 * - `ci`: the README's two commands, which .ci/run runs exactly as written.
 * A block with no such comment fails the suite.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, requireBuiltCli, tempDir } from './cli/binary.js';

requireBuiltCli();

interface Block {
  line: number;
  lang: string;
  code: string;
  how: string | null;
}

function blocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    let j = start - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    const how = j >= 0 ? /^<!-- test: (.+?) -->$/.exec(lines[j]!.trim())?.[1] ?? null : null;
    out.push({ line: start + 1, lang: open[1]!, code: body.join('\n'), how });
  }
  return out;
}

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const all = blocks(README);
const FIXTURES = join(ROOT, 'test/fixtures');

function sandbox(): string {
  const dir = tempDir('cifarkit-readme-');
  cpSync(join(FIXTURES, 'generated/py2-cifar10/cifar-10-batches-py'), join(dir, 'cifar-10-batches-py'), { recursive: true });
  cpSync(join(FIXTURES, 'generated/py2-cifar100/cifar-100-python'), join(dir, 'cifar-100-python'), { recursive: true });
  cpSync(join(FIXTURES, 'archives/cifar-10-python.tar.gz'), join(dir, 'cifar-10-python.tar.gz'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules/cifarkit'), 'dir');
  mkdirSync(join(dir, '.bin'));
  writeFileSync(join(dir, '.bin/cifarkit'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(dir, '.bin/cifarkit'), 0o755);
  return dir;
}

describe('README.md', () => {
  it('has code blocks, each with a test comment', () => {
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((b) => b.how === null).map((b) => `line ${b.line}`)).toEqual([]);
  });

  it('names only files that exist as covering tests', () => {
    for (const b of all.filter((b) => b.how && b.how !== 'run')) {
      const file = b.how!.startsWith('ci') ? '.ci/run' : b.how!.split(' ')[0]!;
      expect(existsSync(join(ROOT, file)), `line ${b.line}: ${file}`).toBe(true);
    }
  });

  it("the two commands are the ones .ci/run runs", () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    const two = all.filter((b) => b.how?.startsWith('ci'));
    expect(two.length).toBe(1);
    expect(two[0]!.code).toMatch(/^npm install && npm start\s+#/m);
    expect(two[0]!.code).toMatch(/^npm test\s+#/m);
    expect(ci).toMatch(/^npm start$/m);
    expect(ci).toMatch(/^npm test$/m);
  });

  const runnable = all.filter((b) => b.how === 'run');
  const dir = runnable.length > 0 ? sandbox() : '';
  for (const b of runnable) {
    it(`runs the ${b.lang} block at line ${b.line}`, () => {
      let r;
      if (b.lang === 'sh') {
        r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', b.code], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, PATH: `${join(dir, '.bin')}:${process.env.PATH}` },
          timeout: 300_000,
        });
      } else if (b.lang === 'ts' || b.lang === 'js') {
        const file = join(dir, `snippet-${b.line}.mjs`);
        writeFileSync(file, b.code);
        r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      } else {
        throw new Error(`line ${b.line}: cannot run a '${b.lang}' block; name the test that covers it`);
      }
      expect(r.status, `line ${b.line}:\n${r.stdout}\n${r.stderr}`).toBe(0);
    }, 300_000);
  }
});
