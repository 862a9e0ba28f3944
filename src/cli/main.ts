/**
 * The `cifarkit` command line. Commands and flags mirror Datumaro's `datum`, so its
 * documentation applies with our name: convert, filter, transform, merge, info (stats),
 * validate, project create|import|export, and preview.
 *
 * Exit codes: 0 ok, 1 bad input (data or files), 2 bad usage (the command line).
 */
import yargs, { type Argv } from 'yargs';
import { Dataset, DEFAULT_LIMITS, encodeImage, LIMIT_FLAGS, MAX_WORKERS, formatNames, parseTransformArgs, renderMosaic, transformUsage, validationReportHtml, type ExportOptions, type ImportLimits, type ImportOptions } from '../index.js';
import { writeFileAtomic } from '../io/node-fs.js';
import { CliUsageError, cliExportOptions, describeError, exitCodeFor, EXIT_BAD_USAGE, EXIT_OK, progress } from './common.js';
import { datasetInfo, formatInfo } from './commands/info.js';
import { createProject, importSource, projectDataset } from './commands/project.js';
import { formatValidation } from './commands/validate.js';

const FILTER_MODES = ['i', 'a', 'i+a'] as const;
type FilterMode = (typeof FILTER_MODES)[number];

interface Out {
  json: boolean;
  /** --workers: image encoding threads for exports (default: the cores, for 256+ images). */
  workers?: number;
}

/** The arguments after `--`, as strings (yargs turns numeric ones into numbers). */
function passThrough(args: unknown): string[] {
  return Array.isArray(args) ? args.map(String) : [];
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Exports with a progress bar of written files; returns the file count. */
async function exportWithProgress(ds: Dataset, dir: string, format: string, options: ExportOptions, out: Out): Promise<number> {
  const bar = progress(`writing ${format}`, null, !out.json);
  try {
    const workers = out.workers === undefined ? {} : { workers: out.workers };
    return await ds.export(dir, format, { ...options, ...workers, onFile: (path) => bar.tick(path) });
  } finally {
    bar.done();
  }
}

function warnNoMedia(format: string, options: ExportOptions): void {
  if (options.saveMedia === false && !format.startsWith('imagenet') ) {
    note(`note: images were not written (as with datum); add '-- --save-media' to include them`);
  }
}

async function load(path: string, format: string | undefined, out: Out): Promise<Dataset> {
  const bar = progress(`reading ${path}`, null, !out.json);
  try {
    return await Dataset.importFrom(path, format, importOptions);
  } finally {
    bar.done();
  }
}

function applyFilter(ds: Dataset, expr: string | undefined, mode: FilterMode): Dataset {
  return expr === undefined ? ds : ds.filter(expr, { mode });
}

const formatOption = { type: 'string', choices: formatNames as string[] } as const;

/** What every import of this run is given: the size limits of the --max-* flags (LIMIT_FLAGS). */
const importOptions: ImportOptions = {};

/** Global options: the import limits (see the README's security model), one flag per limit. */
function withLimits<T>(y: Argv<T>) {
  for (const { flag, limit, describe } of LIMIT_FLAGS) y.option(flag, { type: 'number', global: true, describe: `${describe} (default ${DEFAULT_LIMITS[limit]})` });
  return y.check(checkWorkers).middleware((a) => {
    const limits: Partial<ImportLimits> = {};
    for (const { flag, limit } of LIMIT_FLAGS) if (a[flag] !== undefined) limits[limit] = a[flag] as number;
    importOptions.limits = limits;
  });
}

function withInput<T>(y: Argv<T>) {
  return y
    .option('i', { alias: 'input', type: 'string', demandOption: true, describe: 'the dataset: a folder, or a file of it' })
    .option('if', { alias: 'input-format', ...formatOption, describe: 'its format (detected when omitted)' });
}

const workersOption = {
  type: 'number',
  describe: `threads that encode PNG/JPEG images while exporting (default: all cores, for 256+ images; 1: none; at most ${MAX_WORKERS})`,
} as const;

/** yargs check: --workers within 1..MAX_WORKERS (each worker is a thread; 100,000 would exhaust memory), else bad usage. */
function checkWorkers(a: Record<string, unknown>): true {
  const v = a.workers;
  if (v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= MAX_WORKERS)) return true;
  throw new CliUsageError(`--workers must be an integer from 1 to ${MAX_WORKERS}, got ${String(v)}`);
}

function withOutput<T>(y: Argv<T>) {
  return y
    .option('o', { alias: 'output', type: 'string', demandOption: true, describe: 'output folder' })
    .option('overwrite', { type: 'boolean', default: false, describe: 'replace a non-empty output folder' })
    .option('workers', workersOption);
}

function withJson<T>(y: Argv<T>) {
  return y.option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' });
}

export function buildCli(argv: string[]): Argv {
  return withLimits(yargs(argv))
    .scriptName('cifarkit')
    .usage('$0 <command> [options]\n\nRead, check, convert and preview CIFAR-10/100 datasets (and ImageNet, ImageNet-txt, MNIST).')
    .parserConfiguration({ 'short-option-groups': false, 'populate--': true, 'camel-case-expansion': true })
    .command(
      'convert',
      'Convert a dataset to another format',
      (y) =>
        withJson(withOutput(withInput(y)))
          .option('f', { alias: 'output-format', ...formatOption, demandOption: true, describe: 'the format to write' })
          .option('e', { alias: 'filter', type: 'string', describe: 'keep only what this XPath selects (see filter)' })
          .option('filter-mode', { type: 'string', choices: FILTER_MODES, default: 'i', describe: 'i: items, a: annotations, i+a: both' })
          .epilog('Exporter options go after --: --save-media, --image-ext .png|.jpg, --save-dataset-meta, --protocol 2-5 and --python2 (cifar), --jpeg-quality N, --no-compress (mnist).\nAs with datum, images are written only with --save-media.')
          .example('$0 convert -if cifar -i cifar-10-batches-py -f imagenet -o out -- --save-media', 'CIFAR to ImageNet folders'),
      async (a) => {
        const out = { json: a.json as boolean, workers: a.workers as number | undefined };
        const ds = applyFilter(await load(a.i as string, a.if as string | undefined, out), a.e as string | undefined, a.filterMode as FilterMode);
        const options = cliExportOptions(passThrough(a['--']), a.overwrite as boolean);
        const files = await exportWithProgress(ds, a.o as string, a.f as string, options, out);
        const result = { input: a.i, inputFormat: ds.format, output: a.o, format: a.f, items: ds.size, files };
        if (out.json) printJson(result);
        else print(`converted ${ds.size} items (${ds.format} -> ${a.f as string}) into ${a.o as string}: ${files} files`);
        warnNoMedia(a.f as string, options);
      },
    )
    .command(
      'filter',
      'Keep the items (or annotations) that an XPath expression selects',
      (y) =>
        withJson(withInput(y))
          .option('e', { alias: 'filter', type: 'string', demandOption: true, describe: "XPath over each item's XML, e.g. '/item[annotation/label=\"dog\"]'" })
          .option('m', { alias: 'mode', type: 'string', choices: FILTER_MODES, default: 'i', describe: 'i: items, a: annotations, i+a: annotations, then drop items left without any' })
          .option('dry-run', { type: 'boolean', default: false, describe: 'only report what would be kept' })
          .option('o', { alias: 'output', type: 'string', describe: 'output folder (not with --dry-run)' })
          .option('f', { alias: 'output-format', ...formatOption, describe: 'format to write (default: the input format)' })
          .option('overwrite', { type: 'boolean', default: false, describe: 'replace a non-empty output folder' })
          .option('workers', workersOption)
          .example(`$0 filter -e '/item[annotation/label="dog"]' -i cifar-10-batches-py -o dogs`, 'only the dogs'),
      async (a) => {
        const out = { json: a.json as boolean, workers: a.workers as number | undefined };
        const ds = await load(a.i as string, a.if as string | undefined, out);
        const kept = ds.filter(a.e as string, { mode: a.m as FilterMode });
        const annotations = (d: Dataset) => [...d].reduce((n, i) => n + i.annotations.length, 0);
        const summary = { input: a.i, items: ds.size, kept: kept.size, annotations: annotations(ds), keptAnnotations: annotations(kept) };
        if (a.dryRun) {
          if (out.json) printJson({ ...summary, ids: [...kept].map((i) => ({ subset: i.subset, id: i.id })) });
          else print(`would keep ${kept.size} of ${ds.size} items (${summary.keptAnnotations} of ${summary.annotations} annotations)`);
          return;
        }
        if (!a.o) throw new CliUsageError('filter needs -o <output folder> (or --dry-run)');
        const format = (a.f as string | undefined) ?? ds.format ?? 'cifar';
        const files = await exportWithProgress(kept, a.o as string, format, { saveMedia: true, overwrite: a.overwrite as boolean }, out);
        if (out.json) printJson({ ...summary, output: a.o, format, files });
        else print(`kept ${kept.size} of ${ds.size} items; wrote ${format} to ${a.o as string} (${files} files)`);
      },
    )
    .command(
      'transform',
      'Apply a transform: remap_labels, rename, random_split, map_subsets, remove_images, remove_annotations, remove_items, remove_duplicates',
      (y) =>
        withJson(withOutput(withInput(y)))
          .option('t', { alias: 'transform', type: 'string', demandOption: true, describe: 'the transform' })
          .option('f', { alias: 'output-format', ...formatOption, describe: 'format to write (default: the input format)' })
          .epilog("Transform options go after --, as datum's:\n  remap_labels -l src:dst (repeat; dst empty deletes) [--default keep|delete]\n  rename -e '|pattern|replacement|'\n  random_split -s train:.67 -s test:.33 [--seed N]\n  map_subsets -s src:dst (repeat)\n  remove_images / remove_annotations / remove_items --id <id>[:<subset>] (repeat)\n  remove_duplicates [--keep <subset>] [--threshold N]")
          .example('$0 transform -t random_split -i data -o split -- -s train:.8 -s val:.2 --seed 1', 'a seeded 80/20 split'),
      async (a) => {
        const out = { json: a.json as boolean, workers: a.workers as number | undefined };
        const args = passThrough(a['--']);
        if (args.includes('-h') || args.includes('--help')) {
          print(transformUsage(a.t as string));
          return;
        }
        const ds = await load(a.i as string, a.if as string | undefined, out);
        const options = parseTransformArgs(a.t as string, args);
        const result = ds.transform(a.t as string, options);
        const format = (a.f as string | undefined) ?? ds.format ?? 'cifar';
        const files = await exportWithProgress(result, a.o as string, format, { saveMedia: true, overwrite: a.overwrite as boolean }, out);
        const summary = { transform: a.t, items: result.size, subsets: result.subsets(), labels: result.labels.items.map((l) => l.name), output: a.o, format, files };
        if (out.json) printJson(summary);
        else print(`${a.t as string}: ${result.size} items in ${result.subsets().join(', ') || '(no subsets)'}; wrote ${format} to ${a.o as string} (${files} files)`);
      },
    )
    .command(
      'merge <paths..>',
      'Merge datasets: the union of their items and labels (label indices remapped by name)',
      (y) =>
        withJson(withOutput(y))
          .positional('paths', { type: 'string', array: true, describe: 'datasets to merge' })
          .option('f', { alias: 'output-format', ...formatOption, describe: "format to write (default: the first input's)" }),
      async (a) => {
        const out = { json: a.json as boolean, workers: a.workers as number | undefined };
        const paths = a.paths as string[];
        if (paths.length < 2) throw new CliUsageError('merge needs at least two datasets');
        const inputs: Dataset[] = [];
        for (const p of paths) inputs.push(await load(p, undefined, out));
        const merged = Dataset.merge(...inputs) /* spread-ok: one dataset per command-line path */;
        const format = (a.f as string | undefined) ?? inputs[0]!.format ?? 'cifar';
        const files = await exportWithProgress(merged, a.o as string, format, { saveMedia: true, overwrite: a.overwrite as boolean }, out);
        const conflicts = merged.mergeConflicts.map((c) => ({ ...c, sources: c.sources.map((s) => paths[s]) }));
        if (out.json) printJson({ inputs: paths, items: merged.size, labels: merged.labels.items.map((l) => l.name), conflicts, output: a.o, format, files });
        else print(`merged ${paths.length} datasets: ${merged.size} items, ${merged.labels.length} labels; wrote ${format} to ${a.o as string} (${files} files)`);
        for (const c of conflicts) note(`conflict: ${c.subset}/${c.id} differs between ${c.sources.join(' and ')} (${c.reason}); kept the first`);
      },
    )
    .command(
      ['info <path>', 'stats <path>'],
      "Show a dataset's format, subsets, label histogram and image sizes",
      (y) =>
        withJson(y)
          .positional('path', { type: 'string', describe: 'the dataset' })
          .option('if', { alias: 'input-format', ...formatOption, describe: 'its format (detected when omitted)' }),
      async (a) => {
        const out = { json: a.json as boolean };
        const info = datasetInfo(await load(a.path as string, a.if as string | undefined, out), a.path as string);
        if (out.json) printJson(info);
        else print(formatInfo(info));
      },
    )
    .command(
      'validate <path>',
      'Check labels (Datumaro\'s classification checks) and find exact and near-duplicate images within and across subsets',
      (y) =>
        withJson(y)
          .positional('path', { type: 'string', describe: 'the dataset' })
          .option('if', { alias: 'input-format', ...formatOption, describe: 'its format (detected when omitted)' })
          .option('threshold', { type: 'number', describe: 'near-duplicates: largest Hamming distance of the 64-bit pHashes, 0-64 (default 8)' })
          .option('few-samples-thr', { alias: 'fs', type: 'number', describe: 'warn when a label has this many samples or fewer (default 1, as datum)' })
          .option('imbalance-ratio-thr', { alias: 'ir', type: 'number', describe: 'warn when largest/smallest label count reaches this (default 50, as datum)' })
          .option('far-from-mean-thr', { alias: 'm', type: 'number', describe: 'warn when an image size is this many standard deviations from the mean (default 5, as datum)' })
          .option('duplicates', { type: 'boolean', default: true, describe: 'search for duplicate images (--no-duplicates: labels only)' })
          .option('max-pairs', { type: 'number', describe: 'report at most this many duplicate pairs (default 100000)' })
          .option('report', { type: 'string', describe: 'also write an HTML page showing each duplicate pair side by side' })
          .option('overwrite', { type: 'boolean', default: false, describe: 'replace an existing --report file' })
          .epilog('Exit code 0 when the check ran, whatever it found (as datum validate); 1 for unreadable data, 2 for bad usage.\nJSON: { summary, labels: [{ type, severity, description, item?, label?, count? }], duplicates: [{ a: {subset, id}, b: {subset, id}, distance, exact }] }')
          .example('$0 validate cifar-10-batches-py --report dups.html', 'labels and duplicates, with a page of the pairs')
          .example('$0 validate data --json --threshold 4', 'stricter near-duplicates, as JSON'),
      async (a) => {
        const out = { json: a.json as boolean };
        const ds = await load(a.path as string, a.if as string | undefined, out);
        const report = ds.validate({
          threshold: a.threshold as number | undefined,
          fewSamplesThr: a.fewSamplesThr as number | undefined,
          imbalanceRatioThr: a.imbalanceRatioThr as number | undefined,
          farFromMeanThr: a.farFromMeanThr as number | undefined,
          duplicates: a.duplicates as boolean,
          maxPairs: a.maxPairs as number | undefined,
        });
        if (a.report !== undefined) {
          const html = new TextEncoder().encode(validationReportHtml(ds, report));
          await writeFileAtomic(a.report as string, html, { overwrite: a.overwrite as boolean });
        }
        if (out.json) printJson(report);
        else print(formatValidation(a.path as string, report));
        if (a.report !== undefined && !out.json) note(`wrote ${a.report as string}`);
      },
    )
    .command(
      'preview <path>',
      'Draw a contact sheet: one row per class with its first images, label names beside the rows',
      (y) =>
        y
          .positional('path', { type: 'string', describe: 'the dataset' })
          .option('if', { alias: 'input-format', ...formatOption, describe: 'its format (detected when omitted)' })
          .option('o', { alias: 'output', type: 'string', demandOption: true, describe: 'the PNG to write' })
          .option('per-class', { type: 'number', default: 10, describe: 'images per class' })
          .option('scale', { type: 'number', default: 2, describe: 'pixel scale of each image' })
          .option('subset', { type: 'string', array: true, describe: 'only these subsets' })
          .option('overwrite', { type: 'boolean', default: false, describe: 'replace an existing file' }),
      async (a) => {
        const ds = await load(a.path as string, a.if as string | undefined, { json: false });
        const { image, layout } = renderMosaic(ds, { perClass: a.perClass as number, scale: a.scale as number, subsets: a.subset as string[] | undefined });
        await writeFileAtomic(a.o as string, encodeImage(image, '.png'), { overwrite: a.overwrite as boolean });
        print(`wrote ${a.o as string}: ${layout.width}x${layout.height}, ${layout.rows.length} rows`);
      },
    )
    .command('project', 'Work with a project: a folder listing sources (create, import, export)', (y) =>
      y
        .command(
          'create',
          'Create a project in a folder',
          (p) =>
            p
              .option('o', { alias: 'output', type: 'string', default: '.', describe: 'project folder' })
              .option('overwrite', { type: 'boolean', default: false, describe: 'replace an existing project config' }),
          async (a) => {
            const file = await createProject(a.o as string, a.overwrite as boolean);
            print(`created project ${file}`);
          },
        )
        .command(
          'import <path>',
          'Add a dataset to the project as a source',
          (p) =>
            p
              .positional('path', { type: 'string', describe: 'the dataset' })
              .option('format', { ...formatOption, describe: 'its format (detected when omitted)' })
              .option('n', { alias: 'name', type: 'string', describe: 'source name (default source-N)' })
              .option('p', { alias: 'project', type: 'string', default: '.', describe: 'project folder' }),
          async (a) => {
            const { source, dataset } = await importSource(a.p as string, a.path as string, a.format as string | undefined, a.n as string | undefined, importOptions);
            print(`imported '${source.name}': ${source.format}, ${dataset.size} items from ${source.path}`);
          },
        )
        .command(
          'export',
          "Export the project's sources, merged",
          (p) =>
            withOutput(p)
              .option('f', { alias: 'format', ...formatOption, demandOption: true, describe: 'the format to write' })
              .option('p', { alias: 'project', type: 'string', default: '.', describe: 'project folder' })
              .option('e', { alias: 'filter', type: 'string', describe: 'keep only what this XPath selects' })
              .option('filter-mode', { type: 'string', choices: FILTER_MODES, default: 'i' })
              .epilog('Exporter options go after --, as for convert (--save-media, --image-ext, ...).'),
          async (a) => {
            const out = { json: false, workers: a.workers as number | undefined };
            const { dataset } = await projectDataset(a.p as string, importOptions);
            const ds = applyFilter(dataset, a.e as string | undefined, a.filterMode as FilterMode);
            const options = cliExportOptions(passThrough(a['--']), a.overwrite as boolean);
            const files = await exportWithProgress(ds, a.o as string, a.f as string, options, out);
            print(`exported ${ds.size} items as ${a.f as string} to ${a.o as string} (${files} files)`);
            warnNoMedia(a.f as string, options);
          },
        )
        .demandCommand(1, 'name a project command: create, import or export'),
    )
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100));
}

/** Runs the CLI; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  let usageFailure: string | null = null;
  const cli = buildCli(argv)
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageFailure = msg;
    });
  try {
    await cli.parseAsync();
  } catch (err) {
    note(describeError(err));
    return exitCodeFor(err);
  }
  if (usageFailure) {
    note(`cifarkit: ${usageFailure as string} (see --help)`);
    return EXIT_BAD_USAGE;
  }
  return EXIT_OK;
}

process.exitCode = await run(process.argv.slice(2));
