/** `cifarkit filter [target]`: datum filter — keep the items (or annotations) an XPath selects. */
import { MAX_WORKERS, Dataset } from '../../index.js';
import { defineCommand } from '../command.js';
import { annotationCount, int, mode, noPassThrough, parseFilterMode, requiredFilterExpression, rewriteOptions } from '../options.js';
import { CliUsageError } from '../common.js';
import { checkOutputDir, exportWithProgress, inPlaceOutput, loadTarget, targetFromArgs, targetName } from '../targets.js';

export const filter = defineCommand({
  command: 'filter [target]',
  describe: 'Keep the items (or annotations) that an XPath expression selects',
  positionals: { target: { type: 'string', describe: 'the dataset: <path>[:<format>] (default: the project)' } },
  options: {
    ...requiredFilterExpression,
    ...mode,
    'dry-run': { type: 'boolean', default: false, describe: 'only report what would be kept' },
    ...rewriteOptions,
  },
  examples: [[`$0 filter cifar-10-batches-py -e '/item[annotation/label="dog"]' -o dogs`, 'only the dogs']],
  async prepare(a, ctx) {
    noPassThrough(a, 'filter');
    const target = targetFromArgs(a);
    const expr = a.filter;
    const filterMode = parseFilterMode(a.mode, '-m/--mode');
    Dataset.fromIterable([]).filter(expr, { mode: filterMode });
    const threads = int(a.workers, '--workers', 1, MAX_WORKERS);
    const dryRun = a['dry-run'];
    if (dryRun && a['output-dir'] !== undefined) throw new CliUsageError('--dry-run writes nothing: drop -o/--output-dir');
    const out = dryRun ? null : (a['output-dir'] ?? (await inPlaceOutput(target, 'filter')));
    if (out !== null) await checkOutputDir(out, a.overwrite);
    return async () => {
      const ds = await loadTarget(target, ctx);
      const kept = ds.filter(expr, { mode: filterMode });
      const summary = { input: targetName(target), items: ds.size, kept: kept.size, annotations: annotationCount(ds), keptAnnotations: annotationCount(kept) };
      if (out === null) {
        if (a.json) ctx.printJson({ ...summary, ids: [...kept].map((i) => ({ subset: i.subset, id: i.id })) });
        else ctx.print(`would keep ${kept.size} of ${ds.size} items (${summary.keptAnnotations} of ${summary.annotations} annotations)`);
        return;
      }
      const format = a['output-format'] ?? ds.format ?? 'cifar';
      const files = await exportWithProgress(kept, out, format, { saveMedia: true, overwrite: a.overwrite }, ctx, threads);
      if (a.json) ctx.printJson({ ...summary, output: out, format, files });
      else ctx.print(`kept ${kept.size} of ${ds.size} items; wrote ${format} to ${out} (${files} files)`);
    };
  },
});
