/**
 * `cifarkit download cifar10|cifar100 [--version python|binary] [-o DIR] [--url URL] [--md5 HEX]`:
 * the official archive, md5-verified, with a progress bar on a terminal. The whole command line
 * is checked (planDownload, the output folder) before any network or disk work.
 */
import { stat } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { downloadVerified, planDownload, type DownloadOptions } from '../../io/download.js';
import { defineCommand } from '../command.js';
import { CliUsageError } from '../common.js';
import { json, noPassThrough } from '../options.js';

const MB = 1024 * 1024;

/** A byte progress bar on `stream` (the context's: a terminal); silent for null. */
function byteBar(label: string, stream: NodeJS.WritableStream | null): { update: (n: number, total: number | null) => void; stop: () => void } {
  if (!stream) return { update() {}, stop() {} };
  const bar = new SingleBar({ stream, format: `${label} [{bar}] {percentage}% {mb}/{totalMb} MB`, hideCursor: true, clearOnComplete: true });
  let started = false;
  return {
    update(n, total) {
      const t = total ?? n;
      const payload = { mb: (n / MB).toFixed(1), totalMb: total === null ? '?' : (t / MB).toFixed(1) };
      if (!started) bar.start(t, 0, payload);
      started = true;
      bar.setTotal(t);
      bar.update(n, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export const download = defineCommand({
  command: 'download <dataset>',
  describe: 'Download the official CIFAR-10/100 archive (md5-verified; a broken-off download resumes)',
  positionals: { dataset: { type: 'string', choices: ['cifar10', 'cifar100'], describe: 'which dataset' } },
  options: {
    version: { type: 'string', choices: ['python', 'binary'], default: 'python', requiresArg: true, describe: 'the Python pickles or the binary version' },
    'output-dir': { alias: 'o', type: 'string', default: '.', requiresArg: true, describe: 'folder for the archive (created if missing)' },
    url: { type: 'string', requiresArg: true, describe: 'a mirror of the archive (its md5 must still be the published one)' },
    md5: { type: 'string', requiresArg: true, describe: 'expect this md5 instead of the published one' },
    ...json,
  },
  epilog:
    'The archive is read as it is (cifarkit dinfo cifar-10-python.tar.gz): no unpacking needed.\n' +
    'Exit code 0 when the archive is in place and verified, 1 when the download or the checksum failed, 2 for bad usage.',
  examples: [
    ['$0 download cifar10 -o data', 'data/cifar-10-python.tar.gz'],
    ['$0 download cifar100 --version binary', './cifar-100-binary.tar.gz'],
  ],
  async prepare(a, ctx) {
    noPassThrough(a, 'download');
    const dir = a['output-dir'];
    const options: DownloadOptions = { version: a.version, dir };
    if (a.url !== undefined) options.url = a.url;
    if (a.md5 !== undefined) options.md5 = a.md5;
    const plan = planDownload(a.dataset, options);
    const kind = await stat(dir).then(
      (s) => (s.isDirectory() ? 'dir' : 'other'),
      () => null,
    );
    if (kind === 'other') throw new CliUsageError(`-o/--output-dir ${dir} is not a folder`);
    return async () => {
      const bar = byteBar(`downloading ${plan.url.slice(plan.url.lastIndexOf('/') + 1)}`, ctx.progress);
      let result;
      try {
        result = await downloadVerified(plan, { ...options, onProgress: bar.update });
      } finally {
        bar.stop();
      }
      if (a.json) ctx.printJson({ dataset: a.dataset, version: a.version, url: plan.url, ...result });
      else if (result.alreadyPresent) ctx.print(`${result.path}: already there, md5 ${result.md5} verified`);
      else ctx.print(`downloaded ${result.path} (${result.bytes} bytes${result.resumed ? ', resumed' : ''}), md5 ${result.md5} verified`);
    };
  },
});
