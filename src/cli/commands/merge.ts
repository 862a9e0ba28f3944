/** `cifarkit merge <targets..>`: datum merge (the union policy). */
import { MAX_WORKERS, Dataset } from '../../index.js';
import { defineCommand } from '../command.js';
import { CliUsageError, exportArgsHelp, parseExportArgs } from '../common.js';
import { formatChoice, int, json, outputDir, overwrite, passThrough, project, workers } from '../options.js';
import { checkOutputDir, exportWithProgress, loadTarget, nextFreeName, targetName, targetOf, type Target } from '../targets.js';

export const merge = defineCommand({
  command: 'merge <targets..>',
  describe: 'Merge datasets: the union of their items and labels (label indices remapped by name)',
  positionals: { targets: { type: 'string', array: true, describe: 'datasets, <path>[:<format>]; one alone is merged into the project (-p)' } },
  options: {
    'merge-policy': { alias: 'm', type: 'string', choices: ['union'], default: 'union', requiresArg: true, describe: "how to merge (datum's 'union'; the others need object-detection voting)" },
    ...outputDir('output folder (default: merged, numbered if taken, in the current folder)'),
    ...overwrite,
    format: { alias: 'f', ...formatChoice, describe: "format to write (default: the first input's)" },
    ...project,
    ...workers,
    ...json,
  },
  epilog: `Exporter options go after --: ${exportArgsHelp()}. Images are written unless -- --no-save-media.`,
  async prepare(a, ctx) {
    const targets: Target[] = a.targets.map((s) => targetOf(s, undefined));
    if (targets.length === 1) targets.unshift({ kind: 'project', dir: a.project ?? '.' });
    if (targets.length < 2) throw new CliUsageError('merge needs at least two datasets');
    const chosen = a.format;
    // Checked against the format given, or (when it comes from the first input) against every
    // format's options now and again once the format is known.
    const rest = passThrough(a);
    parseExportArgs(rest, chosen);
    const threads = int(a.workers, '--workers', 1, MAX_WORKERS);
    const out = a['output-dir'] ?? (await nextFreeName('merged'));
    await checkOutputDir(out, a.overwrite);
    return async () => {
      const inputs: Dataset[] = [];
      for (const t of targets) inputs.push(await loadTarget(t, ctx));
      // spread-ok: the command line's targets
      const { dataset: merged, conflicts: found } = Dataset.merge(...inputs);
      const format = chosen ?? inputs[0]!.format ?? 'cifar';
      const options = { saveMedia: true, ...parseExportArgs(rest, format), overwrite: a.overwrite };
      const files = await exportWithProgress(merged, out, format, options, ctx, threads);
      const names = targets.map(targetName);
      const conflicts = found.map((c) => ({ ...c, sources: c.sources.map((s) => names[s]) }));
      if (a.json) ctx.printJson({ inputs: names, items: merged.size, labels: merged.labels.items.map((l) => l.name), conflicts, output: out, format, files });
      else ctx.print(`merged ${names.length} datasets: ${merged.size} items, ${merged.labels.length} labels; wrote ${format} to ${out} (${files} files)`);
      for (const c of conflicts) ctx.log.warning(`conflict: ${c.subset}/${c.id} differs between ${c.sources.join(' and ')} (${c.reason}); kept the first`);
    };
  },
});
