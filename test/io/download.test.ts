/**
 * downloadCifar against a local HTTP server on 127.0.0.1 (node:http): success, wrong bytes,
 * 404, a truncated response resumed with Range (in the same call and in a later one), a server
 * that ignores Range, 416 for a complete part, an archive already in place, bad arguments. No
 * test touches the internet.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CIFAR_ARCHIVES, downloadCifar } from '../../src/io/download.js';
import { expectCifarkitError } from '../helpers.js';

const PAYLOAD = randomBytes(300_000);
const MD5 = createHash('md5').update(PAYLOAD).digest('hex');
const NAME = 'cifar-10-python.tar.gz';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base = '';
let handlers: Handler[] = [];
let requests: { url: string; range: string | undefined }[] = [];

/** Serves `body`; with `range`, answers 'Range: bytes=N-' with 206. */
function serve(body: Uint8Array, { range = true } = {}): Handler {
  return (req, res) => {
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && m) {
      const from = Number(m[1]);
      if (from >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'Content-Length': body.length - from, 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}` });
      res.end(body.subarray(from));
      return;
    }
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  };
}

/** Promises the whole body (Content-Length) but sends `upTo` bytes of it from where the Range starts, then drops the connection. */
function truncate(body: Uint8Array, upTo: number): Handler {
  return (req, res) => {
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const from = m ? Number(m[1]) : 0;
    if (m) res.writeHead(206, { 'Content-Length': body.length - from, 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}` });
    else res.writeHead(200, { 'Content-Length': body.length });
    res.write(body.subarray(from, upTo), () => res.socket?.destroy());
  };
}

const status = (code: number): Handler => (_req, res) => void res.writeHead(code).end('nope');

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', range: req.headers.range });
    const h = handlers.shift();
    if (!h) res.writeHead(500).end('no handler left');
    else h(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  handlers = [];
  requests = [];
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'cifarkit-dl-'));
const url = () => `${base}/mirror/${NAME}`;

describe('downloadCifar', () => {
  it('downloads, verifies and renames into place; progress ends at the total; nothing else is left', async () => {
    const dir = tempDir();
    handlers = [serve(PAYLOAD)];
    const progress: [number, number | null][] = [];
    const r = await downloadCifar('cifar10', { dir, url: url(), md5: MD5, onProgress: (n, t) => progress.push([n, t]) });
    expect(r).toEqual({ path: join(dir, NAME), bytes: PAYLOAD.length, md5: MD5, alreadyPresent: false, resumed: false });
    expect(readFileSync(r.path).equals(PAYLOAD)).toBe(true);
    expect(readdirSync(dir)).toEqual([NAME]);
    expect(progress.at(-1)).toEqual([PAYLOAD.length, PAYLOAD.length]);
    expect(requests).toEqual([{ url: `/mirror/${NAME}`, range: undefined }]);
  });

  it('wrong bytes (the published md5 of the real archive): CHECKSUM_MISMATCH, nothing left behind', async () => {
    const dir = tempDir();
    handlers = [serve(PAYLOAD)];
    await expectCifarkitError(() => downloadCifar('cifar10', { dir, url: url() }), 'CHECKSUM_MISMATCH', [MD5, CIFAR_ARCHIVES.cifar10.python.md5, 'nothing was kept']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('404: DOWNLOAD_FAILED naming the status, nothing left behind', async () => {
    const dir = tempDir();
    handlers = [status(404)];
    await expectCifarkitError(() => downloadCifar('cifar100', { dir, url: url(), version: 'binary' }), 'DOWNLOAD_FAILED', ['HTTP 404', url()]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a truncated response is resumed with Range in the same call', async () => {
    const dir = tempDir();
    handlers = [truncate(PAYLOAD, 100_000), serve(PAYLOAD)];
    const r = await downloadCifar('cifar10', { dir, url: url(), md5: MD5 });
    expect(r.resumed).toBe(true);
    expect(readFileSync(r.path).equals(PAYLOAD)).toBe(true);
    expect(requests.map((q) => q.range)).toEqual([undefined, 'bytes=100000-']);
    expect(readdirSync(dir)).toEqual([NAME]);
  });

  it('still broken off after the retries: the part is kept, and the next call resumes it', async () => {
    const dir = tempDir();
    handlers = [truncate(PAYLOAD, 50_000), truncate(PAYLOAD, 120_000)];
    await expectCifarkitError(() => downloadCifar('cifar10', { dir, url: url(), md5: MD5, retries: 1 }), 'DOWNLOAD_FAILED', ['120000 bytes are kept', `${NAME}.part`, 'resume']);
    expect(readdirSync(dir)).toEqual([`${NAME}.part`]);
    expect(readFileSync(join(dir, `${NAME}.part`)).equals(PAYLOAD.subarray(0, 120_000))).toBe(true);
    expect(existsSync(join(dir, NAME))).toBe(false); // never a partial archive under the real name

    requests = [];
    handlers = [serve(PAYLOAD)];
    const r = await downloadCifar('cifar10', { dir, url: url(), md5: MD5 });
    expect(r.resumed).toBe(true);
    expect(requests.map((q) => q.range)).toEqual(['bytes=120000-']);
    expect(readFileSync(r.path).equals(PAYLOAD)).toBe(true);
    expect(readdirSync(dir)).toEqual([NAME]);
  });

  it('a server that ignores Range (200): the file is read from the start again, not appended', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, `${NAME}.part`), PAYLOAD.subarray(0, 70_000));
    handlers = [serve(PAYLOAD, { range: false })];
    const r = await downloadCifar('cifar10', { dir, url: url(), md5: MD5 });
    expect(requests.map((q) => q.range)).toEqual(['bytes=70000-']);
    expect(r.resumed).toBe(false);
    expect(readFileSync(r.path).equals(PAYLOAD)).toBe(true);
  });

  it('a kept part of other bytes fails the checksum and is removed', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, `${NAME}.part`), randomBytes(1000));
    handlers = [serve(PAYLOAD)];
    await expectCifarkitError(() => downloadCifar('cifar10', { dir, url: url(), md5: MD5 }), 'CHECKSUM_MISMATCH');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('416 for a part that is already complete: verified and moved into place', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, `${NAME}.part`), PAYLOAD);
    handlers = [serve(PAYLOAD)];
    const r = await downloadCifar('cifar10', { dir, url: url(), md5: MD5 });
    expect(r).toMatchObject({ bytes: PAYLOAD.length, resumed: true });
    expect(readdirSync(dir)).toEqual([NAME]);
  });

  it('an archive already in place with the right md5 is not fetched again; one with another md5 is refused, untouched', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, NAME), PAYLOAD);
    const r = await downloadCifar('cifar10', { dir, url: url(), md5: MD5 });
    expect(r.alreadyPresent).toBe(true);
    expect(requests).toEqual([]);
    await expectCifarkitError(() => downloadCifar('cifar10', { dir, url: url() }), 'CHECKSUM_MISMATCH', ['already there', 'remove it']);
    expect(readFileSync(join(dir, NAME)).equals(PAYLOAD)).toBe(true);
    expect(requests).toEqual([]);
  });

  it('an unreachable server: DOWNLOAD_FAILED, nothing kept', async () => {
    const dir = tempDir();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expectCifarkitError(() => downloadCifar('cifar10', { dir, url: `http://127.0.0.1:${port}/x`, retries: 1 }), 'DOWNLOAD_FAILED', ['cannot reach', 'nothing was kept']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a 206 for another range than asked: DOWNLOAD_FAILED, the earlier part left as it was', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, `${NAME}.part`), PAYLOAD.subarray(0, 10));
    handlers = [(_req, res) => void res.writeHead(206, { 'Content-Range': `bytes 0-9/${PAYLOAD.length}` }).end(PAYLOAD.subarray(0, 10))];
    await expectCifarkitError(() => downloadCifar('cifar10', { dir, url: url(), md5: MD5 }), 'DOWNLOAD_FAILED', ['Content-Range']);
    expect(readFileSync(join(dir, `${NAME}.part`)).equals(PAYLOAD.subarray(0, 10))).toBe(true);
  });

  it('bad arguments: INVALID_ARGUMENT before any request or folder is made', async () => {
    const dir = join(tempDir(), 'not-yet');
    const cases: [unknown, object, string][] = [
      ['cifar9', {}, "unknown dataset 'cifar9'"],
      ['cifar10', { version: 'matlab' }, "unknown version 'matlab'"],
      ['cifar10', { url: 'ftp://example.org/x' }, 'not an http(s) URL'],
      ['cifar10', { url: 'not a url' }, 'is not a URL'],
      ['cifar10', { md5: 'xyz' }, 'not 32 hex digits'],
      ['cifar10', { retries: -1 }, 'retries'],
      ['cifar10', { dir: '' }, 'dir must be'],
    ];
    for (const [dataset, options, message] of cases) {
      await expectCifarkitError(() => downloadCifar(dataset as 'cifar10', { dir, ...options }), 'INVALID_ARGUMENT', [message]);
    }
    expect(requests).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('the official archives and their published md5s (cifar.html; torchvision for the Python version)', () => {
    expect(Object.fromEntries(Object.entries(CIFAR_ARCHIVES).flatMap(([d, v]) => Object.entries(v).map(([k, a]) => [`${d} ${k}`, [a.url, a.md5]])))).toEqual({
      'cifar10 python': ['https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz', 'c58f30108f718f92721af3b95e74349a'],
      'cifar10 binary': ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', 'c32a1d4ab5d03f1284b67883e8d87530'],
      'cifar100 python': ['https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz', 'eb9058c3a382ffc7106e4002c42a8d85'],
      'cifar100 binary': ['https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz', '03b5dce01913d631647c71ecec9e9cb8'],
    });
  });
});
