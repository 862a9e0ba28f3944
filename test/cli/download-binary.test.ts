/**
 * End-to-end (the built binary): `cifarkit download` against a local HTTP server on 127.0.0.1,
 * its usage errors (exit 2, no request, nothing on disk), `-if/-f cifar_binary` in convert, and
 * validate's official-files line. `npm test` builds first.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/index.js';
import { BIN, requireBuiltCli, ROOT, tempDir } from './binary.js';

requireBuiltCli();

/** Runs the binary without blocking this process (the test's HTTP server must answer meanwhile). */
function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const PAYLOAD = randomBytes(100_000);
const MD5 = createHash('md5').update(PAYLOAD).digest('hex');
let server: Server;
let base = '';
let requests = 0;
let answer: 'ok' | '404' = 'ok';

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
    if (answer === '404') res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Length': PAYLOAD.length }).end(PAYLOAD);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cifar.tgz`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = 0;
  answer = 'ok';
});

describe('cifarkit download', () => {
  it('downloads from --url, verifies --md5, exits 0; --json gives the result', async () => {
    const dir = join(tempDir(), 'data');
    const r = await run('download', 'cifar10', '-o', dir, '--url', base, '--md5', MD5);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`downloaded ${join(dir, 'cifar-10-python.tar.gz')} (${PAYLOAD.length} bytes), md5 ${MD5} verified\n`);
    expect(readFileSync(join(dir, 'cifar-10-python.tar.gz')).equals(PAYLOAD)).toBe(true);
    const again = await run('download', 'cifar10', '-o', dir, '--url', base, '--md5', MD5, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      dataset: 'cifar10', version: 'python', url: base, path: join(dir, 'cifar-10-python.tar.gz'), bytes: PAYLOAD.length, md5: MD5, alreadyPresent: true, resumed: false,
    });
    expect(requests).toBe(1);
  });

  it('bytes that are not the archive: exit 1, CHECKSUM_MISMATCH, nothing left; 404: exit 1, DOWNLOAD_FAILED', async () => {
    const dir = tempDir();
    const r = await run('download', 'cifar100', '--version', 'binary', '-o', dir, '--url', base);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[CHECKSUM_MISMATCH]');
    expect(r.stderr).toContain('03b5dce01913d631647c71ecec9e9cb8');
    expect(readdirSync(dir)).toEqual([]);
    answer = '404';
    const nf = await run('download', 'cifar10', '-o', dir, '--url', base);
    expect(nf.code).toBe(1);
    expect(nf.stderr).toContain('[DOWNLOAD_FAILED]');
    expect(nf.stderr).toContain('HTTP 404');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('bad usage: exit 2 before any request, no folder made', async () => {
    const parent = tempDir();
    const dir = join(parent, 'new');
    const file = join(parent, 'a-file');
    writeFileSync(file, 'x');
    for (const args of [
      ['cifar9'],
      ['cifar10', '--version', 'matlab'],
      ['cifar10', '--url', 'ftp://example.org/x'],
      ['cifar10', '--url', 'not a url'],
      ['cifar10', '--md5', '123'],
      ['cifar10', '--frobnicate'],
      [],
    ]) {
      const r = await run('download', ...args, '-o', dir);
      expect(r.code, args.join(' ')).toBe(2);
    }
    const notDir = await run('download', 'cifar10', '-o', file, '--url', base);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain('is not a folder');
    expect(requests).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('cifarkit convert with cifar_binary', () => {
  const fixtures = join(ROOT, 'test/fixtures/binary');

  it('-f cifar_binary writes the records (pixels always: no --save-media needed); -if cifar_binary reads them', async () => {
    const out = join(tempDir(), 'bin');
    const r = await run('convert', '-i', join(fixtures, 'python/cifar-10-batches-py'), '-f', 'cifar_binary', '-o', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    for (const name of ['data_batch_1.bin', 'data_batch_2.bin', 'test_batch.bin']) {
      expect(readFileSync(join(out, name)).equals(readFileSync(join(fixtures, 'cifar10', name))), name).toBe(true);
    }
    const py = join(tempDir(), 'py');
    const back = await run('convert', '-if', 'cifar_binary', '-i', out, '-f', 'cifar', '-o', py, '--', '--save-media');
    expect(back.code, back.stderr).toBe(0);
    const a = await Dataset.importFrom(py);
    const b = await Dataset.importFrom(join(fixtures, 'cifar10'));
    expect([...a].map((i) => [i.subset, i.annotations[0]!.label, Buffer.from(i.media!.data).toString('hex')])).toEqual(
      [...b].map((i) => [i.subset, i.annotations[0]!.label, Buffer.from(i.media!.data).toString('hex')]),
    );
  });

  it('info and validate read the official binary archive layout; validate prints the official-files line', async () => {
    const info = await run('info', join(fixtures, 'cifar-10-binary.tar.gz'), '--json');
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ format: 'cifar_binary' });
    const v = await run('validate', join(fixtures, 'cifar-10-binary.tar.gz'));
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain('official files: no file named like the official Python-version files');
    const orig = await run('validate', join(ROOT, 'test/fixtures/original/cifar-10-batches-py'), '--json');
    expect(JSON.parse(orig.stdout).summary.officialFiles).toMatchObject({ verdict: 'incomplete', dataset: 'cifar-10', files: [{ name: 'batches.meta', match: true }] });
  });
});
