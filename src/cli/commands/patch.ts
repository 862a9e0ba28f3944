/**
 * `cifarkit patch <target> <patch>`: datum patch — the target's items, each replaced by the
 * patch's item of the same (subset, id), and the patch's other items added. The target's label
 * categories are kept: patch labels are matched by name, and a patch label the target does not
 * have is dropped with its annotations (datum's label projection). Written in the target's
 * format to -o, or in place (with --overwrite, as datum).
 */
import { MAX_WORKERS, Dataset, DatasetItem, Label } from '../../index.js';
import { defineCommand } from '../command.js';
import { CliUsageError, exportArgsHelp, parseExportArgs } from '../common.js';
import { int, json, outputDir, overwrite, passThrough, workers } from '../options.js';
import { checkOutputDir, exportWithProgress, inPlaceOutput, loadTarget, targetName, targetOf } from '../targets.js';

/** The patched dataset, and the count of patch annotations dropped for unknown labels. */
export function patchDataset(target: Dataset, patch: Dataset): { dataset: Dataset; replaced: number; added: number; dropped: number } {
  const index = new Map(target.labels.items.map((l, i) => [l.name, i]));
  const remap = patch.labels.items.map((l) => index.get(l.name));
  let dropped = 0;
  const fromPatch = new Map<string, DatasetItem>();
  for (const item of patch) {
    const annotations: Label[] = [];
    for (const a of item.annotations) {
      const to = remap[a.label];
      if (to === undefined) dropped++;
      else annotations.push(to === a.label ? a : new Label(to, a.attributes));
    }
    const same = annotations.length === item.annotations.length && annotations.every((a, i) => a === item.annotations[i]);
    fromPatch.set(`${item.subset}\u0000${item.id}`, same ? item : new DatasetItem({ id: item.id, subset: item.subset, media: item.media, annotations, attributes: item.attributes }));
  }
  const items: DatasetItem[] = [];
  let replaced = 0;
  for (const item of target) {
    const k = `${item.subset}\u0000${item.id}`;
    const p = fromPatch.get(k);
    if (p) {
      items.push(p);
      fromPatch.delete(k);
      replaced++;
    } else items.push(item);
  }
  const added = fromPatch.size;
  for (const item of fromPatch.values()) items.push(item);
  return { dataset: Dataset.fromIterable(items, { labels: target.labels }), replaced, added, dropped };
}

export const patch = defineCommand({
  command: 'patch <target> <patch>',
  describe: 'Update a dataset from another: items matched by (subset, id) are replaced, new ones added',
  positionals: {
    target: { type: 'string', describe: 'the dataset to update: <path>[:<format>]' },
    patch: { type: 'string', describe: 'the dataset with the new items' },
  },
  options: {
    ...outputDir('output folder (default: the target folder itself, with --overwrite)'),
    ...overwrite,
    ...workers,
    ...json,
  },
  epilog: `Exporter options (for the target's format) go after --: ${exportArgsHelp()}. Images are written unless -- --no-save-media.`,
  async prepare(a, ctx) {
    const target = targetOf(a.target, undefined, 'target');
    const source = targetOf(a.patch, undefined, 'patch');
    const known = target.kind === 'path' ? target.format : undefined;
    const rest = passThrough(a);
    parseExportArgs(rest, known);
    const threads = int(a.workers, '--workers', 1, MAX_WORKERS);
    const out = a['output-dir'] ?? (await inPlaceOutput(target, 'patch'));
    await checkOutputDir(out, a.overwrite);
    return async () => {
      const ds = await loadTarget(target, ctx);
      const format = ds.format ?? known;
      if (!format) throw new CliUsageError('the target has no format to write back (give it as <path>:<format>)');
      const options = { saveMedia: true, ...parseExportArgs(rest, format), overwrite: a.overwrite };
      const p = await loadTarget(source, ctx);
      const result = patchDataset(ds, p);
      const files = await exportWithProgress(result.dataset, out, format, options, ctx, threads);
      if (result.dropped) ctx.log.warning(`${result.dropped} patch annotations dropped: their labels are not in the target`);
      const summary = { target: targetName(target), patch: targetName(source), items: result.dataset.size, replaced: result.replaced, added: result.added, dropped: result.dropped, output: out, format, files };
      if (a.json) ctx.printJson(summary);
      else ctx.print(`patched ${summary.target}: ${result.replaced} items replaced, ${result.added} added (${result.dataset.size} items); wrote ${format} to ${out} (${files} files)`);
    };
  },
});
