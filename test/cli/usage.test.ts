/**
 * Bad usage, command by command: exit 2, one line on stderr naming the option, no stack trace,
 * and nothing on disk changed (the working folder, holding a project with a source, a dataset
 * and an output folder, is snapshotted before and after).
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliIn, requireBuiltCli, ROOT, snapshotTree, tempDir } from './binary.js';

requireBuiltCli();

const PY2 = join(ROOT, 'test/fixtures/generated/py2-cifar10');

/** [what, args, text the message must contain, exit code (default 2)] */
type Case = readonly [string, readonly string[], string, number?];

const CASES: Record<string, readonly Case[]> = {
  global: [
    ['unknown command, with a suggestion', ['conver'], "unknown command 'conver' (did you mean convert?)"],
    ['no command', [], 'name a command'],
    ['a bad --loglevel', ['dinfo', 'data', '--loglevel', 'loud'], "invalid value 'loud' for --loglevel"],
    ['a bad limit', ['dinfo', 'data', '--max-entries', 'many'], '--max-entries needs a number'],
    ['a bad --channel-order', ['convert', '-i', 'data', '-f', 'cifar', '-o', 'out2', '--channel-order', 'grb'], "invalid value 'grb' for --channel-order"],
  ],
  convert: [
    ['a misspelt option, after the work options', ['convert', '-i', 'data', '-f', 'cifar', '-o', 'out2', '--ouput', 'foo'], 'unknown option --ouput (did you mean -f/--output-format or -o/--output-dir?)'],
    ['no -f', ['convert', '-i', 'data', '-o', 'out2'], 'missing required option -f/--output-format'],
    ['an unknown format', ['convert', '-i', 'data', '-f', 'kitti', '-o', 'out2'], "invalid value 'kitti' for -f/--output-format"],
    ['a bad exporter value after --', ['convert', '-i', 'data', '-f', 'cifar', '-o', 'out2', '--', '--protocol', '7'], '--protocol needs an integer from 2 to 5'],
    ['an exporter option of another format', ['convert', '-i', 'data', '-f', 'imagenet', '-o', 'out2', '--', '--protocol', '4'], '--protocol applies to cifar, not imagenet'],
    ['a bad exporter --channel-order', ['convert', '-i', 'data', '-f', 'cifar', '-o', 'out2', '--', '--channel-order', 'BGR'], "--channel-order: 'BGR' is not one of rgb, bgr"],
    ['an unknown exporter option', ['convert', '-i', 'data', '-f', 'cifar', '-o', 'out2', '--', '--bogus'], 'unknown exporter option --bogus'],
    ['a bad --image-ext', ['convert', '-i', 'data', '-f', 'imagenet', '--', '--image-ext', '.gif'], "--image-ext: '.gif' is not one of .png, .jpg, .jpeg"],
    ['a bad filter mode', ['convert', '-i', 'data', '-f', 'imagenet', '-e', '/item', '--filter-mode', 'x'], "invalid --filter-mode 'x'"],
    ['a bad XPath', ['convert', '-i', 'data', '-f', 'imagenet', '-e', '/item['], 'FILTER_INVALID'],
    ['-o without a value', ['convert', '-i', 'data', '-f', 'imagenet', '-o'], 'option -o/--output-dir needs a value'],
    ['-o twice', ['convert', '-i', 'data', '-f', 'imagenet', '-o', 'a', '-o', 'b'], 'option -o/--output-dir is given more than once'],
    ['a non-empty -o without --overwrite', ['convert', '-i', 'data', '-f', 'imagenet', '-o', 'out'], 'the output folder is not empty; pass --overwrite to replace it', 1],
    ['--workers 0', ['convert', '-i', 'data', '-f', 'imagenet', '-o', 'out2', '--workers', '0'], "--workers needs an integer from 1 to 256, got '0'"],
    ['--workers 100000', ['convert', '-i', 'data', '-f', 'imagenet', '-o', 'out2', '--workers', '100000'], "--workers needs an integer from 1 to 256, got '100000'"],
  ],
  detect: [
    ['no path', ['detect'], 'Not enough non-option arguments'],
    ['an unknown option', ['detect', 'data', '--jsno'], 'unknown option --jsno (did you mean --json?)'],
    ['two paths', ['detect', 'data', 'other'], "unexpected argument 'other'"],
  ],
  dinfo: [
    ['an unknown option', ['dinfo', 'data', '--jsn'], 'unknown option --jsn (did you mean --json?)'],
    ['an unknown format in <path>:<format>', ['dinfo', 'data:kitti'], "unknown format 'kitti'"],
    ['arguments after --', ['info', 'data', '--', 'x'], 'dinfo takes no arguments after --'],
  ],
  stats: [
    ['a misspelt option', ['stats', 'data', '--subste', 'x'], 'unknown option --subste (did you mean -s/--subset?)'],
    ['a bad boolean', ['stats', 'data', '--image-stats', 'maybe'], "unexpected argument 'maybe'"],
  ],
  compare: [
    ['one dataset', ['compare', 'data'], 'Not enough non-option arguments'],
    ['an unknown format', ['compare', 'data', 'data:kitti'], "unknown format 'kitti'"],
    ["datum's report options", ['compare', 'data', 'data', '-m', 'table'], 'unknown option -m'],
  ],
  patch: [
    ['no patch', ['patch', 'data'], 'Not enough non-option arguments'],
    ['a bad exporter value', ['patch', 'data', 'data', '-o', 'out2', '--', '--jpeg-quality', '101'], '--jpeg-quality needs an integer from 1 to 100'],
    ['in place onto a project', ['patch', '.', 'data', '--overwrite'], 'patch of a project needs -o/--output-dir'],
  ],
  filter: [
    ['no -e', ['filter', 'data', '-o', 'out2'], 'missing required option -e/--filter'],
    ['a bad mode', ['filter', 'data', '-e', '/item', '-m', 'q', '-o', 'out2'], "invalid -m/--mode 'q'"],
    ['--dry-run with -o', ['filter', 'data', '-e', '/item', '--dry-run', '-o', 'out2'], '--dry-run writes nothing'],
  ],
  merge: [
    ['an unsupported policy', ['merge', 'data', PY2, '-m', 'intersect'], "invalid value 'intersect' for -m/--merge-policy"],
    ['a bad exporter value', ['merge', 'data', PY2, '-f', 'cifar', '--', '--protocol', '9'], '--protocol needs an integer from 2 to 5'],
  ],
  transform: [
    ['no -t', ['transform', 'data', '-o', 'out2'], 'missing required option -t/--transform'],
    ['an unknown transform', ['transform', 'data', '-t', 'sharpen', '-o', 'out2'], 'TRANSFORM_UNKNOWN'],
    ['a bad transform option', ['transform', 'data', '-t', 'random_split', '-o', 'out2', '--', '--bogus'], '--bogus'],
  ],
  validate: [
    ['a misspelt option', ['validate', 'data', '--treshold', '3'], 'unknown option --treshold (did you mean --threshold?)'],
    ['an unsupported task', ['validate', 'data', '-t', 'detection'], "invalid value 'detection' for -t/--task"],
    ['a bad validator option after --', ['validate', 'data', '--', '-fs', 'x'], 'validator option -fs needs a number'],
    ['a threshold out of range', ['validate', 'data', '--threshold', '65'], '--threshold needs an integer from 0 to 64'],
    // Not a usage error (exit 1, as datum's "already exists (pass --overwrite ...)"), but refused before reading too.
    ['--report onto an existing file without --overwrite', ['validate', 'data', '--report', 'data/cifar-10-batches-py/batches.meta'], 'pass --overwrite', 1],
  ],
  preview: [
    ['no -o', ['preview', 'data'], 'missing required option -o/--output-file'],
    ['--scale 0', ['preview', 'data', '-o', 'p.png', '--scale', '0'], '--scale needs an integer from 1 to 16'],
  ],
  project: [
    ['a misspelt subcommand', ['project', 'creat'], "unknown command 'creat' (did you mean create?)"],
    ['no subcommand', ['project'], 'name a project command: create, import, add, remove, export, info'],
    ['create: an unknown option', ['project', 'create', '--overwirte'], 'unknown option --overwirte (did you mean --overwrite?)'],
    ['import: no path', ['project', 'import', '-f', 'cifar'], 'Not enough non-option arguments'],
    ['import: an unknown format', ['project', 'import', '-f', 'kitti', 'data'], "invalid value 'kitti' for -f/--format"],
    ['import: --no-check without -f', ['project', 'import', 'data', '--no-check'], '--no-check needs -f/--format'],
    ['add: an unknown option', ['project', 'add', 'data', '-n', 'x'], 'unknown option -n'],
    ['remove: no names', ['project', 'remove'], 'Not enough non-option arguments'],
    ['export: no -f', ['project', 'export', '-o', 'out2'], 'missing required option -f/--format'],
    ['export: a bad exporter value', ['project', 'export', '-f', 'cifar', '-o', 'out2', '--', '--protocol', '7'], '--protocol needs an integer from 2 to 5'],
    ['info: an unknown option', ['project', 'info', '--jsn'], 'unknown option --jsn (did you mean --json?)'],
  ],
};

let work: string;

beforeAll(() => {
  work = tempDir('cifarkit-usage-');
  cpSync(PY2, join(work, 'data'), { recursive: true });
  mkdirSync(join(work, 'out'));
  writeFileSync(join(work, 'out', 'keep.txt'), 'keep');
  const created = cliIn(work, 'project', 'create');
  const imported = cliIn(work, 'project', 'import', 'data', '-f', 'cifar', '-n', 'src');
  if (created.code !== 0 || imported.code !== 0) throw new Error(created.stderr + imported.stderr);
});

describe.each(Object.entries(CASES))('%s: bad usage is exit 2 and changes nothing', (_, cases) => {
  it.each(cases.map((c) => [c[0], c] as const))('%s', (_what, [, args, message, code = 2]) => {
    const before = snapshotTree(work);
    const r = cliIn(work, ...args);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(snapshotTree(work)).toEqual(before);
  });
});
