/**
 * `cifarkit download cifar10|cifar100 [--version python|binary] [-o DIR] [--url URL] [--md5 HEX]`:
 * the official archive, md5-verified, with a progress bar on a terminal. The whole command line
 * is checked (planDownload) before any network or disk work.
 */
import { stat } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import { downloadVerified, planDownload, type DownloadOptions } from '../../io/download.js';
import { CliUsageError } from '../common.js';

interface DownloadArgs {
  dataset: string;
  version: string;
  o: string;
  url?: string;
  md5?: string;
  json: boolean;
}

const MB = 1024 * 1024;

/** The options this command takes (both spellings yargs gives), and the global ones. */
const KNOWN = new Set(['_', '$0', '--', 'dataset', 'version', 'o', 'output', 'url', 'md5', 'json', 'help', 'h', 'max-total-bytes', 'maxTotalBytes', 'max-entries', 'maxEntries']);

/**
 * The command line again, strictly: yargs reports an unknown option or a bad choice through the
 * CLI's fail handler but may still run this handler, and this one goes to the network.
 */
function checkArgs(a: Record<string, unknown>): void {
  const unknown = Object.keys(a).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) throw new CliUsageError(`download: unknown option ${unknown.map((k) => (k.length === 1 ? `-${k}` : `--${k}`)).join(', ')}`);
  const positional = (a._ as unknown[]).slice(1);
  if (positional.length > 0) throw new CliUsageError(`download: unexpected argument ${positional.map(String).join(' ')}`);
  for (const k of ['o', 'url', 'md5', 'version']) {
    if (a[k] !== undefined && typeof a[k] !== 'string') throw new CliUsageError(`download: ${k.length === 1 ? "-" : "--"}${k} takes one value`);
  }
}

/** A byte progress bar on stderr when it is a terminal; silent otherwise. */
function byteBar(label: string, enabled: boolean): { update: (n: number, total: number | null) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({ stream: process.stderr, format: `${label} [{bar}] {percentage}% {mb}/{totalMb} MB`, hideCursor: true, clearOnComplete: true });
  let started = false;
  return {
    update(n, total) {
      const t = total ?? n;
      if (!started) bar.start(t, 0, { mb: '0.0', totalMb: total === null ? '?' : (t / MB).toFixed(1) });
      started = true;
      bar.setTotal(t);
      bar.update(n, { mb: (n / MB).toFixed(1), totalMb: total === null ? '?' : (t / MB).toFixed(1) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export const downloadCommand: CommandModule<object, DownloadArgs> = {
  command: 'download <dataset>',
  describe: 'Download the official CIFAR-10/100 archive (md5-verified; a broken-off download resumes)',
  builder: (y: Argv<object>) =>
    y
      .positional('dataset', { type: 'string', choices: ['cifar10', 'cifar100'], demandOption: true, describe: 'which dataset' })
      .option('version', { type: 'string', choices: ['python', 'binary'], default: 'python', describe: 'the Python pickles or the binary version' })
      .option('o', { alias: 'output', type: 'string', default: '.', describe: 'folder for the archive (created if missing)' })
      .option('url', { type: 'string', describe: 'a mirror of the archive (its md5 must still be the published one)' })
      .option('md5', { type: 'string', describe: 'expect this md5 instead of the published one' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .epilog('The archive is read as it is (cifarkit info cifar-10-python.tar.gz): no unpacking needed.\nExit code 0 when the archive is in place and verified, 1 when the download or the checksum failed, 2 for bad usage.')
      .example('$0 download cifar10 -o data', 'data/cifar-10-python.tar.gz')
      .example('$0 download cifar100 --version binary', './cifar-100-binary.tar.gz') as unknown as Argv<DownloadArgs>,
  handler: async (a) => {
    checkArgs(a as unknown as Record<string, unknown>);
    const options: DownloadOptions = { version: a.version as DownloadOptions['version'], dir: a.o };
    if (a.url !== undefined) options.url = a.url;
    if (a.md5 !== undefined) options.md5 = a.md5;
    const plan = planDownload(a.dataset, options);
    const kind = await stat(a.o).then((s) => (s.isDirectory() ? 'dir' : 'other'), () => null);
    if (kind === 'other') throw new CliUsageError(`-o ${a.o} is not a folder`);

    const bar = byteBar(`downloading ${plan.url.slice(plan.url.lastIndexOf('/') + 1)}`, !a.json);
    let result;
    try {
      result = await downloadVerified(plan, { ...options, onProgress: bar.update });
    } finally {
      bar.stop();
    }
    if (a.json) process.stdout.write(`${JSON.stringify({ dataset: a.dataset, version: a.version, url: plan.url, ...result }, null, 2)}\n`);
    else if (result.alreadyPresent) process.stdout.write(`${result.path}: already there, md5 ${result.md5} verified\n`);
    else process.stdout.write(`downloaded ${result.path} (${result.bytes} bytes${result.resumed ? ', resumed' : ''}), md5 ${result.md5} verified\n`);
  },
};
