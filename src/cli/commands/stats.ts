/** `cifarkit stats [target]`: datum stats — image mean/std per channel, repeats, label counts. */
import { datasetStatistics, type DatasetStatistics } from '../../index.js';
import { defineCommand } from '../command.js';
import { CliUsageError, progress } from '../common.js';
import { inputFormat, json, noPassThrough, project } from '../options.js';
import { loadTarget, targetFromArgs, targetName } from '../targets.js';

const rgb = (v: [number, number, number] | 'n/a') => (v === 'n/a' ? 'n/a' : v.map((x) => x.toFixed(4)).join(', '));

function formatStats(name: string, s: Partial<DatasetStatistics>): string {
  const lines = [name];
  if (s.dataset) {
    const d = s.dataset;
    lines.push(`  images ${d['images count']}, unique ${d['unique images count']}, repeated groups ${d['repeated images count']}`);
    lines.push(`  mean (RGB, 0-255)  ${rgb(d['image mean (RGB)'])}`, `  std  (RGB, 0-255)  ${rgb(d['image std (RGB)'])}`);
    for (const [subset, v] of Object.entries(s.subsets ?? {})) {
      lines.push(`  ${subset}: ${v['images count']} images, mean ${rgb(v['image mean (RGB)'])}, std ${rgb(v['image std (RGB)'])}`);
    }
    for (const g of d['repeated images'].slice(0, 20)) lines.push(`  repeated: ${g.map(([id, subset]) => `${subset}/${id}`).join(', ')}`);
  }
  if (s.annotations) {
    lines.push(`  annotations ${s['annotations count']}, unannotated items ${s['unannotated images count']}`, '  labels');
    for (const [label, [count, share]] of Object.entries(s.annotations.labels.distribution)) {
      lines.push(`    ${label.padEnd(30)}${String(count).padStart(8)}  ${(share * 100).toFixed(1).padStart(5)}%`);
    }
  }
  return lines.join('\n');
}

export const stats = defineCommand({
  command: 'stats [target]',
  describe: "Compute datum's statistics: image count, unique/repeated images, per-channel RGB mean and std, label distribution",
  positionals: { target: { type: 'string', describe: 'the dataset: <path>[:<format>] (default: the project)' } },
  options: {
    subset: { alias: 's', type: 'string', requiresArg: true, describe: 'only this subset' },
    'image-stats': { type: 'boolean', default: true, describe: 'compute image mean and std (RGB) and repeats (--no-image-stats: not)' },
    'ann-stats': { type: 'boolean', default: true, describe: 'compute annotation statistics (--no-ann-stats: not)' },
    ...inputFormat,
    ...project,
    ...json,
  },
  epilog: "--json prints datum's statistics.json (the dataset section also holds the mean and std of all images; datum has them per subset only).",
  examples: [['$0 stats cifar-10-batches-py -s data_batch_1 --json', "one subset's figures, as datum's JSON"]],
  prepare(a, ctx) {
    noPassThrough(a, 'stats');
    const target = targetFromArgs(a);
    const subset = a.subset;
    const images = a['image-stats'];
    const anns = a['ann-stats'];
    return async () => {
      let ds = await loadTarget(target, ctx);
      if (subset !== undefined) {
        if (!ds.subsets().includes(subset)) throw new CliUsageError(`-s/--subset: the dataset has no subset '${subset}' (it has: ${ds.subsets().join(', ')})`);
        ds = ds.filter((item) => item.subset === subset);
      }
      const bar = progress('stats', ds.size, ctx.progress);
      let s: DatasetStatistics;
      try {
        s = datasetStatistics(ds, { onItem: () => bar.tick() });
      } finally {
        bar.done();
      }
      const { dataset, subsets, ...annotations } = s;
      const report: Partial<DatasetStatistics> = { ...(images ? { dataset, subsets } : {}), ...(anns ? annotations : {}) };
      if (a.json) ctx.printJson(report);
      else ctx.print(formatStats(targetName(target), report));
    };
  },
});
