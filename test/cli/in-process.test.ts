/**
 * The CLI run in this process: `main(argv, io)` from src/cli/main.ts with stdout and stderr
 * captured by an io object (no process stream is touched), checking exit codes, the exact
 * output, what lands on disk, and that runs share nothing (deep-frozen command declarations,
 * two runs at once). The same lines as the built binary prints, for a few commands.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { main, type CliIo } from '../../src/cli/main.js';
import { Dataset } from '../../src/index.js';
import { BACKENDS, sha256, withBackend } from '../helpers.js';
import { cli, requireBuiltCli, ROOT, snapshotTree, tempDir } from './binary.js';

const PY2 = join(ROOT, 'test/fixtures/generated/py2-cifar10');
const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** One in-process run: its exit code and everything it wrote. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } };
  const code = await main(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Freezes `value` and everything reachable from it. */
function deepFreeze(value: unknown, seen = new Set<unknown>()): void {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze(Reflect.get(value, key), seen);
  Object.freeze(value);
}

// Every run below works on these frozen declarations: a run that wrote into them would throw.
deepFreeze(COMMANDS);

describe('cifarkit in-process: help, version, usage errors', () => {
  it('--help: exit 0, the command list on stdout, nothing on stderr', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith('cifarkit <command> [options]\n')).toBe(true);
    expect(r.stdout.endsWith('cifarkit --version prints the version. Exit codes: 0 ok, 1 bad input, 2 bad usage.\n')).toBe(true);
    for (const c of ['convert', 'detect', 'dinfo', 'stats', 'compare', 'filter', 'merge', 'patch', 'transform', 'validate', 'preview', 'download', 'project']) {
      expect(r.stdout).toMatch(new RegExp(`^  cifarkit ${c}\\b`, 'm'));
    }
  });

  it('a command help: exit 0 with its options', async () => {
    const r = await run('convert', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('-f, --output-format');
    expect(r.stdout).toContain('Exporter options go after --: --save-media');
    expect(r.stderr).toBe('');
  });

  it("--version prints package.json's version", async () => {
    expect(await run('--version')).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('no command: exit 2, one line', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('cifarkit: name a command (see --help)\n');
  });

  it('usage errors: exit 2, one line on stderr, nothing on disk', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const before = snapshotTree(dir);
    const cases: [string[], string][] = [
      [['convert', '-i', PY2, '-f', 'imagenet', '-o', out, '--ouput-dir', 'x'], 'cifarkit: unknown option --ouput-dir (did you mean -o/--output-dir?) (see --help)\n'],
      [['convert', '-i', PY2, '-f', 'cifar', '-o', out, '--', '--protocol', '9'], "cifarkit: exporter option --protocol needs an integer from 2 to 5, got '9' (see --help)\n"],
      [['convert', '-i', PY2, '-f', 'imagenet', '-o', out, '--workers', '0'], "cifarkit: --workers needs an integer from 1 to 256, got '0' (see --help)\n"],
      [['convert', '-i', PY2, '-o', out], 'cifarkit: missing required option -f/--output-format (see --help)\n'],
      [['detect', PY2, '--', 'x'], "cifarkit: detect takes no arguments after --, got 'x' (see --help)\n"],
      [['conver', '-i', PY2], "cifarkit: unknown command 'conver' (did you mean convert?) (see --help)\n"],
    ];
    for (const [argv, message] of cases) {
      expect(await run(...argv), argv.join(' ')).toEqual({ code: 2, stdout: '', stderr: message });
    }
    expect(existsSync(out)).toBe(false);
    expect(snapshotTree(dir)).toEqual(before);
  });

  it('bad input: exit 1 with the error code', async () => {
    const missing = join(tempDir(), 'missing');
    expect(await run('detect', missing)).toEqual({ code: 1, stdout: '', stderr: `cifarkit: error [FILE_NOT_FOUND] ${missing}: no such file or folder\n` });
  });
});

describe('cifarkit in-process: detect', () => {
  it('names the format (exit 0), also as JSON', async () => {
    expect(await run('detect', PY2)).toEqual({ code: 0, stdout: 'Detected format: cifar\n', stderr: '' });
    const r = await run('detect', PY2, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ path: PY2, format: 'cifar', matches: ['cifar'] });
  });

  it('an empty folder: exit 1, "Unable to detect the format"', async () => {
    const dir = tempDir();
    expect(await run('detect', dir)).toEqual({ code: 1, stdout: 'Unable to detect the format\n', stderr: '' });
  });
});

describe.each(BACKENDS)('cifarkit in-process: convert (%s backend)', (backend) => {
  it('CIFAR to ImageNet folders in a temp dir: the images are the source pixels', async () => {
    const out = join(tempDir(), 'imagenet');
    const r = await withBackend(backend, () => run('convert', '-if', 'cifar', '-i', PY2, '-f', 'imagenet', '-o', out, '--workers', '1'));
    expect(r).toEqual({ code: 0, stdout: `converted 9 items (cifar -> imagenet) into ${out}: 9 files\n`, stderr: '' });
    const source = await Dataset.importFrom(PY2, 'cifar');
    const written = await Dataset.importFrom(out, 'imagenet');
    const byId = (ds: Dataset) => new Map([...ds].map((item) => [item.id.replace(/^[^:]*:/, ''), item]));
    const got = byId(written);
    expect(got.size).toBe(9);
    for (const [id, item] of byId(source)) {
      const copy = got.get(id);
      expect(copy, id).toBeDefined();
      expect(sha256(copy!.media!.data), id).toBe(sha256(item.media!.data));
      expect(copy!.annotations.map((a) => written.labels.items[a.label]!.name)).toEqual(item.annotations.map((a) => source.labels.items[a.label]!.name));
    }
  });

  it('--json reports what was written; a second run into the non-empty folder is refused (exit 1)', async () => {
    const out = join(tempDir(), 'cifar');
    const r = await withBackend(backend, () => run('convert', '-i', PY2, '-f', 'cifar', '-o', out, '--json', '--', '--save-media'));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ input: PY2, inputFormat: 'cifar', output: out, format: 'cifar', items: 9, files: 4 });
    expect(readdirSync(out).sort()).toEqual(['batches.meta', 'data_batch_1', 'data_batch_2', 'test_batch']);
    const before = snapshotTree(out);
    const again = await run('convert', '-i', PY2, '-f', 'cifar', '-o', out);
    expect(again).toEqual({ code: 1, stdout: '', stderr: `cifarkit: error [OUTPUT_NOT_EMPTY] ${out}: the output folder is not empty; pass --overwrite to replace it\n` });
    expect(snapshotTree(out)).toEqual(before);
  });
});

describe('cifarkit in-process: runs share nothing', () => {
  it('the command declarations every run used are frozen through', () => {
    const convert = COMMANDS.find((c) => c.command === 'convert');
    expect(Object.isFrozen(convert)).toBe(true);
    expect(Object.isFrozen(convert?.options?.['output-format'])).toBe(true);
    expect(Object.isFrozen(convert?.options?.['output-format']?.choices)).toBe(true);
  });

  it('two runs at once each write to their own io', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'empty'));
    const [a, b, c] = await Promise.all([run('detect', PY2), run('detect', join(dir, 'empty')), run('convert', '-i', PY2, '--bogus')]);
    expect(a).toEqual({ code: 0, stdout: 'Detected format: cifar\n', stderr: '' });
    expect(b).toEqual({ code: 1, stdout: 'Unable to detect the format\n', stderr: '' });
    expect(c.code).toBe(2);
    expect(c.stdout).toBe('');
  });

  it('a run after an error is not affected by it', async () => {
    expect((await run('dinfo', PY2, '--loglevel', 'loud')).code).toBe(2);
    const r = await run('dinfo', PY2, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'cifar', items: 9 });
  });
});

describe('cifarkit in-process prints what the binary prints', () => {
  requireBuiltCli();
  it.each([[['--help']], [['convert', '--help']], [['detect', PY2]], [['dinfo', PY2]], [['info', PY2, '--bogus']], [['validate', PY2, '--threshold', '99']]])('%j', async (argv) => {
    expect(await run(...argv)).toEqual(cli(...argv));
  });
});
