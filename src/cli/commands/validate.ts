/**
 * `cifarkit validate [target]`: datum validate -t classification (its label checks, with its
 * validator options after `--`) plus cifarkit's exact and near-duplicate image search.
 */
import { writeFileAtomic } from '../../io/node-fs.js';
import { validationReportHtml } from '../../index.js';
import { defineCommand } from '../command.js';
import { CliUsageError, progress } from '../common.js';
import { inputFormat, int, json, num, overwrite, passThrough, project } from '../options.js';
import { checkOutputFile, loadTarget, targetFromArgs, targetName } from '../targets.js';
import { formatValidation } from '../validate-report.js';

/** datum's ClassificationValidator options (after `--`), and cifarkit's names for them. */
const VALIDATOR_ARGS: Readonly<Record<string, string>> = {
  '-fs': 'few-samples-thr',
  '--few-samples-thr': 'few-samples-thr',
  '--few_samples_thr': 'few-samples-thr',
  '-ir': 'imbalance-ratio-thr',
  '--imbalance-ratio-thr': 'imbalance-ratio-thr',
  '--imbalance_ratio_thr': 'imbalance-ratio-thr',
  '-m': 'far-from-mean-thr',
  '--far-from-mean-thr': 'far-from-mean-thr',
  '--far_from_mean_thr': 'far-from-mean-thr',
  // Used by datum's detection and segmentation checks only; accepted, without effect here.
  '-dr': 'dominance-ratio-thr',
  '--dominance-ratio-thr': 'dominance-ratio-thr',
  '-k': 'topk-bins',
  '--topk-bins': 'topk-bins',
};

function validatorArgs(args: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.includes('=') && args[i]!.startsWith('--') ? args[i]!.split(/=(.*)/s, 2) : [args[i]!, undefined];
    const key = VALIDATOR_ARGS[flag!];
    if (!key) throw new CliUsageError(`unknown validator option '${flag}' after -- (known: -fs, -ir, -m, -dr, -k)`);
    const value = inline ?? args[++i];
    if (value === undefined || value.trim() === '' || !Number.isFinite(Number(value))) throw new CliUsageError(`validator option ${flag} needs a number`);
    out[key] = Number(value);
  }
  return out;
}

export const validate = defineCommand({
  command: 'validate [target]',
  describe: "Check labels (datum's classification checks) and find exact and near-duplicate images within and across subsets",
  positionals: { target: { type: 'string', describe: 'the dataset: <path>[:<format>] (default: the project)' } },
  options: {
    task: { alias: 't', type: 'string', choices: ['classification'], default: 'classification', requiresArg: true, describe: "datum's task type (cifarkit checks classification datasets)" },
    subset: { alias: 's', type: 'string', requiresArg: true, describe: 'validate only this subset' },
    threshold: { type: 'number', requiresArg: true, describe: 'near-duplicates: largest Hamming distance of the 64-bit pHashes, 0-64 (default 8)' },
    'few-samples-thr': { alias: 'fs', type: 'number', requiresArg: true, describe: 'warn when a label has this many samples or fewer (default 1, as datum)' },
    'imbalance-ratio-thr': { alias: 'ir', type: 'number', requiresArg: true, describe: 'warn when largest/smallest label count reaches this (default 50, as datum)' },
    'far-from-mean-thr': { alias: 'm', type: 'number', requiresArg: true, describe: 'warn when an image size is this many standard deviations from the mean (default 5, as datum)' },
    duplicates: { type: 'boolean', default: true, describe: 'search for duplicate images (--no-duplicates: labels only)' },
    'max-pairs': { type: 'number', requiresArg: true, describe: 'report at most this many duplicate pairs (default 100000)' },
    report: { type: 'string', requiresArg: true, describe: 'also write an HTML page showing each duplicate pair side by side' },
    ...overwrite,
    ...inputFormat,
    ...project,
    ...json,
  },
  epilog:
    "datum's validator options also work after --: -fs, -ir, -m (and -dr, -k, which only datum's detection checks use).\n" +
    'Exit code 0 when the check ran, whatever it found (as datum validate); 1 for unreadable data, 2 for bad usage.\n' +
    'JSON: { summary (with officialFiles: { verdict, dataset, files, missing }), labels: [{ type, severity, description, item?, label?, count? }], duplicates: [{ a: {subset, id}, b: {subset, id}, distance, exact }] }',
  examples: [
    ['$0 validate cifar-10-batches-py --report dups.html', 'labels and duplicates, with a page of the pairs'],
    ['$0 validate data --json --threshold 4', 'stricter near-duplicates, as JSON'],
  ],
  async prepare(a, ctx) {
    const target = targetFromArgs(a);
    const extra = validatorArgs(passThrough(a));
    const pick = (key: 'few-samples-thr' | 'imbalance-ratio-thr' | 'far-from-mean-thr', name: string) => (extra[key] !== undefined ? extra[key] : num(a[key], name, 0));
    if (extra['few-samples-thr'] !== undefined && !Number.isInteger(extra['few-samples-thr'])) throw new CliUsageError('-fs/--few-samples-thr needs an integer');
    const options = {
      threshold: int(a.threshold, '--threshold', 0, 64),
      fewSamplesThr: pick('few-samples-thr', '-fs/--few-samples-thr'),
      imbalanceRatioThr: pick('imbalance-ratio-thr', '-ir/--imbalance-ratio-thr'),
      farFromMeanThr: pick('far-from-mean-thr', '-m/--far-from-mean-thr'),
      duplicates: a.duplicates,
      maxPairs: int(a['max-pairs'], '--max-pairs', 0),
    };
    const subset = a.subset;
    const report = a.report;
    if (report !== undefined) await checkOutputFile(report, a.overwrite);
    return async () => {
      // The md5 of each file with an official name, for the summary's official-files line.
      let ds = await loadTarget(target, ctx, { checksums: true });
      if (subset !== undefined) {
        if (!ds.subsets().includes(subset)) throw new CliUsageError(`-s/--subset: the dataset has no subset '${subset}' (it has: ${ds.subsets().join(', ')})`);
        ds = ds.filter((item) => item.subset === subset);
      }
      // ds.validate reports no progress of its own: the bar names the step while it runs.
      const bar = progress(`validating ${ds.size} items`, null, ctx.progress);
      let result: ReturnType<typeof ds.validate>;
      try {
        result = ds.validate(options);
      } finally {
        bar.done();
      }
      if (report !== undefined) await writeFileAtomic(report, new TextEncoder().encode(validationReportHtml(ds, result)), { overwrite: a.overwrite });
      if (a.json) ctx.printJson(result);
      else ctx.print(formatValidation(targetName(target), result));
      if (report !== undefined) ctx.log.info(`wrote ${report}`);
    };
  },
});
