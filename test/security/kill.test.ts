/**
 * Nothing lost: the built CLI is SIGKILLed at fixed points of an export and of a project
 * command (test/security/kill-at.mjs sets the hook src/io/staging.ts reads, then runs the bin), and the target is checked
 * byte for byte: the complete previous output (or, killed between the two renames of a swap,
 * absent until the next export restores it), never a mix. The leftovers (`.<name>.cifarkit-*`)
 * are cleaned up by the next write to the same target.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const KILL_AT = join(import.meta.dirname, 'kill-at.mjs');
const SOURCE_A = join(ROOT, 'test/fixtures/generated/py2-cifar10');
const SOURCE_B = join(ROOT, 'test/fixtures/generated/numpy-labels');

function cli(args: string[], killAt?: string): { code: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const r = spawnSync(process.execPath, [KILL_AT, killAt ?? '-', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

/** Every file under a folder: relative path -> bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function expectSame(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [k, v] of expected) expect(Buffer.compare(actual.get(k)!, v), k).toBe(0);
}

const leftovers = (parent: string) => readdirSync(parent).filter((n) => n.startsWith('.out.cifarkit-'));
const convert = (src: string, out: string, extra: string[] = []) => ['convert', '-if', 'cifar', '-i', src, '-f', 'imagenet_txt', '-o', out, ...extra, '--', '--save-media'];

let outputA: Map<string, Buffer>;
let outputB: Map<string, Buffer>;

beforeAll(() => {
  // The two outputs, written without interruption elsewhere.
  for (const [src, set] of [[SOURCE_A, (m: Map<string, Buffer>) => (outputA = m)], [SOURCE_B, (m: Map<string, Buffer>) => (outputB = m)]] as const) {
    const out = join(mkdtempSync(join(tmpdir(), 'cifarkit-kill-')), 'out');
    const r = cli(convert(src, out));
    expect(r.code, r.stderr).toBe(0);
    set(snapshot(out));
  }
  expect(outputA.size).toBeGreaterThan(5);
  expect(outputB.size).toBeGreaterThan(5);
});

describe('an export killed midway', () => {
  it('into a new folder: the target does not exist, and the next export cleans up and succeeds', () => {
    const parent = mkdtempSync(join(tmpdir(), 'cifarkit-kill-'));
    const out = join(parent, 'out');
    const r = cli(convert(SOURCE_A, out), 'file:3');
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    expect(leftovers(parent)).toHaveLength(1); // the staging folder of the dead process
    expect(cli(convert(SOURCE_A, out)).code).toBe(0);
    expectSame(snapshot(out), outputA);
    expect(leftovers(parent)).toEqual([]);
  });

  for (const point of ['file:1', 'file:4', 'before-swap']) {
    it(`over an earlier output, killed at ${point}: the earlier output, byte for byte`, () => {
      const parent = mkdtempSync(join(tmpdir(), 'cifarkit-kill-'));
      const out = join(parent, 'out');
      expect(cli(convert(SOURCE_A, out)).code).toBe(0);
      const r = cli(convert(SOURCE_B, out, ['--overwrite']), point);
      expect(r.signal).toBe('SIGKILL');
      expectSame(snapshot(out), outputA);
      expect(leftovers(parent).length).toBeGreaterThan(0);
      // The next export replaces it completely and leaves nothing behind.
      expect(cli(convert(SOURCE_B, out, ['--overwrite'])).code).toBe(0);
      expectSame(snapshot(out), outputB);
      expect(leftovers(parent)).toEqual([]);
    });
  }

  it('between the two renames of the swap: the target is absent, the earlier output intact aside, restored by the next export', () => {
    const parent = mkdtempSync(join(tmpdir(), 'cifarkit-kill-'));
    const out = join(parent, 'out');
    expect(cli(convert(SOURCE_A, out)).code).toBe(0);
    const r = cli(convert(SOURCE_B, out, ['--overwrite']), 'between-renames');
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    const aside = leftovers(parent).filter((n) => n.endsWith('.old'));
    expect(aside).toHaveLength(1);
    expectSame(snapshot(join(parent, aside[0]!)), outputA); // nothing lost
    // The next export without --overwrite restores it first, then refuses to replace it.
    const again = cli(convert(SOURCE_B, out));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('the output folder is not empty');
    expectSame(snapshot(out), outputA);
    expect(leftovers(parent)).toEqual([]);
  });

  it('after the swap, before the old folder is removed: the new output is complete; the next export removes the old one', () => {
    const parent = mkdtempSync(join(tmpdir(), 'cifarkit-kill-'));
    const out = join(parent, 'out');
    expect(cli(convert(SOURCE_A, out)).code).toBe(0);
    expect(cli(convert(SOURCE_B, out, ['--overwrite']), 'before-cleanup').signal).toBe('SIGKILL');
    expectSame(snapshot(out), outputB);
    expect(leftovers(parent)).toHaveLength(1);
    expect(cli(convert(SOURCE_A, out, ['--overwrite'])).code).toBe(0);
    expectSame(snapshot(out), outputA);
    expect(leftovers(parent)).toEqual([]);
  });

  it('a live process’s staging folder is not removed by another export', () => {
    const parent = mkdtempSync(join(tmpdir(), 'cifarkit-kill-'));
    const out = join(parent, 'out');
    // A folder named as this (live) test process would name it.
    const mine = join(parent, `.out.cifarkit-${process.pid}-abcdef`);
    mkdirSync(mine);
    expect(cli(convert(SOURCE_A, out)).code).toBe(0);
    expect(existsSync(mine)).toBe(true);
  });
});

describe('a project command killed before its config is renamed into place', () => {
  it('leaves the old config (valid JSON, byte for byte); the next command writes the new one and removes the temp file', () => {
    const project = join(mkdtempSync(join(tmpdir(), 'cifarkit-kill-')), 'proj');
    expect(cli(['project', 'create', '-o', project]).code).toBe(0);
    const config = join(project, '.cifarkit', 'config.json');
    const before = readFileSync(config);
    expect(JSON.parse(before.toString())).toEqual({ version: 1, sources: [] });
    const r = cli(['project', 'import', '--format', 'cifar', '-p', project, SOURCE_A], 'atomic-before-rename');
    expect(r.signal).toBe('SIGKILL');
    expect(Buffer.compare(readFileSync(config), before)).toBe(0);
    expect(readdirSync(join(project, '.cifarkit')).filter((n) => n.endsWith('.tmp'))).toHaveLength(1);
    const again = cli(['project', 'import', '--format', 'cifar', '-p', project, SOURCE_A]);
    expect(again.code, again.stderr).toBe(0);
    const after = JSON.parse(readFileSync(config, 'utf8'));
    expect(after).toMatchObject({ version: 1, sources: [{ name: 'source-1', format: 'cifar' }] });
    expect(readdirSync(join(project, '.cifarkit'))).toEqual(['config.json']);
  });

  it('killed during project create over an existing project: the old config stays', () => {
    const project = join(mkdtempSync(join(tmpdir(), 'cifarkit-kill-')), 'proj');
    expect(cli(['project', 'create', '-o', project]).code).toBe(0);
    expect(cli(['project', 'import', '--format', 'cifar', '-p', project, SOURCE_A]).code).toBe(0);
    const config = join(project, '.cifarkit', 'config.json');
    const before = readFileSync(config);
    expect(cli(['project', 'create', '-o', project, '--overwrite'], 'atomic-before-rename').signal).toBe('SIGKILL');
    expect(Buffer.compare(readFileSync(config), before)).toBe(0);
    expect(JSON.parse(before.toString()).sources).toHaveLength(1);
  });
});
