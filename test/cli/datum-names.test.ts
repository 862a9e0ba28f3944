/**
 * datum's names and defaults (Datumaro 1.9.1's CLI): the format document's convert example
 * verbatim (long and short forms, with and without -o), the output folder datum names itself,
 * <path>:<format> targets, filter-mode spellings, detect, --version, --loglevel, and the project
 * commands defaulting -p to the current folder.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/index.js';
import { cliIn, requireBuiltCli, ROOT, tempDir } from './binary.js';

requireBuiltCli();

const PY2 = join(ROOT, 'test/fixtures/generated/py2-cifar10');
/** The ship images of the fixture (the only class with more than one item). */
const SHIPS = 3;

function workWithPets(): string {
  const work = tempDir('cifarkit-datum-');
  cpSync(PY2, join(work, 'pets'), { recursive: true });
  return work;
}

const FILTER = '/item[annotation/label="ship"]';

describe("the format document's convert example", () => {
  const forms: [string, string[]][] = [
    ['long options', ['--input-format', 'cifar', '--input-path', 'pets', '--output-format', 'imagenet', '--filter', FILTER]],
    ['short options', ['-if', 'cifar', '-i', 'pets', '-f', 'imagenet', '-e', FILTER]],
  ];
  it.each(forms)('%s, without -o: writes pets-imagenet/ with the filtered images', async (_, args) => {
    const work = workWithPets();
    const r = cliIn(work, 'convert', ...args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`converted ${SHIPS} items (cifar -> imagenet) into pets-imagenet`);
    const back = await Dataset.importFrom(join(work, 'pets-imagenet'), 'imagenet');
    expect(back.size).toBe(SHIPS);
    expect(back.labels.items.map((l) => l.name)).toEqual(['ship']);
  });

  it.each(forms)('%s, with -o/--output-dir', async (_, args) => {
    const work = workWithPets();
    for (const o of ['-o', '--output-dir']) {
      const r = cliIn(work, 'convert', ...args, o, `ships${o}`);
      expect(r.code, r.stderr).toBe(0);
      expect((await Dataset.importFrom(join(work, `ships${o}`), 'imagenet')).size).toBe(SHIPS);
    }
    expect(existsSync(join(work, 'pets-imagenet'))).toBe(false);
  });
});

describe('convert without -o names the output as datum does', () => {
  it('<input>-<format>, then .1, .2; an entry that merely starts with the name counts (as datum: imagenet_txt makes imagenet .1)', () => {
    const work = workWithPets();
    const run = (format: string) => {
      const r = cliIn(work, 'convert', '-i', 'pets', '-f', format);
      expect(r.code, r.stderr).toBe(0);
    };
    run('imagenet_txt');
    run('imagenet');
    run('imagenet');
    // The names the real `datum convert -i pets -f ...` gave for the same sequence (Datumaro 1.9.1).
    expect(readdirSync(work).sort()).toEqual(['pets', 'pets-imagenet.1', 'pets-imagenet.2', 'pets-imagenet_txt']);
  });

  it('-i defaults to the current folder, named after it', () => {
    const work = workWithPets();
    const r = cliIn(join(work, 'pets'), 'convert', '-f', 'imagenet');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(work, 'pets', 'pets-imagenet'))).toBe(true);
  });
});

describe('targets and spellings', () => {
  it('<path>:<format> picks the format; an unknown one is exit 2', () => {
    const work = workWithPets();
    const r = cliIn(work, 'dinfo', 'pets:cifar', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'cifar', items: 9 });
    expect(cliIn(work, 'dinfo', 'pets:imagenet_txt').code).toBe(1);
  });

  it.each([
    ['i+a', 1],
    ['items+annotations', 1],
    ['ANNOTATIONS_ITEMS', 1],
    ['a', 9],
    ['annotations', 9],
    ['items', 1],
  ])("filter -m %s (datum's FilterModes spelling)", (mode, kept) => {
    const work = workWithPets();
    const r = cliIn(work, 'filter', 'pets', '-e', '/item/annotation[label="cat"]', '-m', mode, '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).kept).toBe(kept);
  });

  it('detect names the format (--json lists every detector that fits); none found is exit 1', () => {
    const work = workWithPets();
    const r = cliIn(work, 'detect', 'pets');
    expect([r.code, r.stdout.trim()]).toEqual([0, 'Detected format: cifar']);
    expect(JSON.parse(cliIn(work, 'detect', 'pets', '--json').stdout)).toEqual({ path: 'pets', format: 'cifar', matches: ['cifar'] });
    mkdirSync(join(work, 'empty'));
    const none = cliIn(work, 'detect', 'empty');
    expect([none.code, none.stdout.trim()]).toEqual([1, 'Unable to detect the format']);
  });

  it("filter and transform also take the dataset as -i/--input-path (cifarkit's earlier spelling), not both ways at once", () => {
    const work = workWithPets();
    const f = cliIn(work, 'filter', '-e', FILTER, '-i', 'pets', '--dry-run', '--json');
    expect(f.code, f.stderr).toBe(0);
    expect(JSON.parse(f.stdout).kept).toBe(SHIPS);
    const t = cliIn(work, 'transform', '-t', 'rename', '-i', 'pets', '-o', 'renamed', '--', '-e', '|^|x_|');
    expect(t.code, t.stderr).toBe(0);
    const both = cliIn(work, 'filter', 'pets', '-i', 'pets', '-e', FILTER, '--dry-run');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give the dataset once');
  });

  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const r = cliIn(ROOT, '--version');
    expect([r.code, r.stdout.trim()]).toEqual([0, version]);
  });

  it('--loglevel error silences the warnings, --loglevel debug adds detail', () => {
    const work = workWithPets();
    const quiet = cliIn(work, 'convert', '-i', 'pets', '-f', 'cifar', '-o', 'a', '--loglevel', 'error');
    expect([quiet.code, quiet.stderr]).toEqual([0, '']);
    const loud = cliIn(work, 'convert', '-i', 'pets', '-f', 'cifar', '-o', 'b', '--loglevel', 'debug');
    expect(loud.stderr).toContain('warning: images were not written');
    expect(loud.stderr).toContain('debug: read pets as cifar: 9 items');
  });
});

describe('project commands default -p to the current folder', () => {
  it('create, import -n, add, info, export [source], remove; dinfo with no target reads the project', async () => {
    const work = workWithPets();
    const step = (...args: string[]) => {
      const r = cliIn(work, ...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    step('project', 'create');
    expect(step('project', 'import', 'pets', '-f', 'cifar', '-n', 'pets')).toContain("imported 'pets': cifar, 9 items");
    step('convert', '-i', 'pets', '-f', 'imagenet', '-o', 'pets-in');
    expect(step('project', 'add', 'pets-in', '--no-check', '-f', 'imagenet')).toContain("added 'pets-in': imagenet from pets-in");
    expect(JSON.parse(step('project', 'info', '--json')).sources.map((s: { name: string; format: string }) => [s.name, s.format])).toEqual([
      ['pets', 'cifar'],
      ['pets-in', 'imagenet'],
    ]);
    expect(JSON.parse(step('dinfo', '--json')).items).toBe(18);
    step('project', 'export', 'pets', '-f', 'imagenet_txt');
    expect((await Dataset.importFrom(join(work, 'export-imagenet_txt'))).size).toBe(9);
    expect(step('project', 'remove', 'pets-in')).toContain("removed 'pets-in'");
    expect(JSON.parse(step('dinfo', '--json')).items).toBe(9);
    const missing = cliIn(work, 'project', 'remove', 'nope');
    expect(missing.code).toBe(2);
    expect(cliIn(work, 'project', 'remove', 'nope', '--force').code).toBe(0);
    expect(existsSync(join(work, 'pets-in'))).toBe(true);
  });
});
