/**
 * `cifarkit project create|import|add|remove|export|info`: datum's project commands over a
 * folder holding `.cifarkit/config.json` (sources referenced where they are, not copied). Every
 * command works on the project in -p/--project, default the current folder.
 */
import * as nodePath from 'node:path';
import { MAX_WORKERS, Dataset, type FormatName } from '../../index.js';
import { defineCommand, type CliCommand, type Context, type Work } from '../command.js';
import { cliExportOptions, CliUsageError, exportArgsHelp } from '../common.js';
import { filterExpression, filterMode, formatChoice, int, json, noPassThrough, outputDir, overwrite, parseFilterMode, passThrough, project, workers, type PassThroughArgs } from '../options.js';
import { createProject, importSource, readProject, removeSources } from '../project-store.js';
import { checkOutputDir, exportWithProgress, loadTarget, makeFileName, nextFreeName, parseSourceTarget, warnNoMedia } from '../targets.js';

function projectDir(a: { readonly project: string | undefined }): string {
  return a.project ?? '.';
}

const create = defineCommand({
  command: 'create',
  describe: 'Create an empty project',
  options: { ...outputDir('the project folder (default: current folder)'), ...overwrite },
  async prepare(a, ctx) {
    noPassThrough(a, 'project create');
    const dir = a['output-dir'] ?? '.';
    return async () => ctx.print(`created project ${await createProject(dir, a.overwrite)}`);
  },
});

const sourcePath = { path: { type: 'string', describe: 'the dataset: a folder, an archive or a file of it' } } as const;
const sourceFormat = { format: { alias: 'f', ...formatChoice, describe: 'its format (detected when omitted)' } } as const;
const sourceCheck = { check: { type: 'boolean', default: true, describe: 'read the source now (--no-check: do not; then -f is required)' } } as const;

/** What `import` and `add` were given. */
interface SourceArgs extends PassThroughArgs {
  readonly path: string;
  readonly format: FormatName | undefined;
  readonly check: boolean;
  readonly project: string | undefined;
}

/**
 * `import` and `add` differ in datum by copying the data or not; cifarkit never copies. datum's
 * import names a source -n (default source-N), add after its folder.
 */
function addSource(name: 'import' | 'add', a: SourceArgs, sourceName: string | undefined, ctx: Context): Work {
  noPassThrough(a, `project ${name}`);
  if (!a.check && a.format === undefined) throw new CliUsageError('--no-check needs -f/--format (the source is not read to detect it)');
  if (sourceName !== undefined && !/^[\w.-]+$/.test(sourceName)) throw new CliUsageError(`-n/--name '${sourceName}': use letters, digits, '.', '_' and '-'`);
  return async () => {
    const { source, dataset } = await importSource(projectDir(a), a.path, a.format, sourceName, ctx.importOptions, a.check);
    ctx.print(`${name === 'import' ? 'imported' : 'added'} '${source.name}': ${source.format}${dataset ? `, ${dataset.size} items` : ''} from ${source.path}`);
  };
}

const importCommand = defineCommand({
  command: 'import <path>',
  describe: 'Add a dataset to the project as a source',
  positionals: sourcePath,
  options: {
    ...sourceFormat,
    name: { alias: 'n', type: 'string', requiresArg: true, describe: 'source name (default source-N)' },
    ...sourceCheck,
    ...project,
  },
  prepare: (a, ctx) => addSource('import', a, a.name, ctx),
});

const addCommand = defineCommand({
  command: 'add <path>',
  describe: 'Add a dataset to the project as a source named after its folder',
  positionals: sourcePath,
  options: { ...sourceFormat, ...sourceCheck, ...project },
  prepare: (a, ctx) => addSource('add', a, nodePath.basename(nodePath.resolve(a.path)), ctx),
});

const remove = defineCommand({
  command: 'remove <names..>',
  describe: 'Remove sources from the project (their data stays where it is)',
  positionals: { names: { type: 'string', array: true, describe: 'source names' } },
  options: {
    force: { type: 'boolean', default: false, describe: 'do not fail on a name the project does not have' },
    'keep-data': { type: 'boolean', default: true, describe: "accepted for datum's sake: cifarkit never deletes source data" },
    ...project,
  },
  prepare(a, ctx) {
    noPassThrough(a, 'project remove');
    const { names } = a;
    return async () => {
      const removed = await removeSources(projectDir(a), names, a.force);
      ctx.print(`removed ${removed.length ? removed.map((n) => `'${n}'`).join(', ') : 'nothing'}`);
    };
  },
});

const exportCommand = defineCommand({
  command: 'export [target]',
  describe: "Export the project's sources (merged), or one source",
  positionals: { target: { type: 'string', describe: "a source name (default: all sources, datum's 'project')" } },
  options: {
    format: { alias: 'f', ...formatChoice, demandOption: true, describe: 'the format to write' },
    ...outputDir('output folder (default: export-<format>, numbered if taken, in the current folder)'),
    ...overwrite,
    ...filterExpression,
    ...filterMode,
    ...project,
    ...workers,
  },
  epilog: `Exporter options go after --: ${exportArgsHelp()}.`,
  async prepare(a, ctx) {
    const format = a.format;
    const expr = a.filter;
    const mode = parseFilterMode(a['filter-mode'], '--filter-mode');
    if (expr !== undefined) Dataset.fromIterable([]).filter(expr, { mode });
    const options = cliExportOptions(passThrough(a), format, a.overwrite);
    const threads = int(a.workers, '--workers', 1, MAX_WORKERS);
    const out = a['output-dir'] ?? (await nextFreeName(`export-${makeFileName(format)}`));
    await checkOutputDir(out, a.overwrite);
    const dir = projectDir(a);
    const sourceName = a.target;
    return async () => {
      const target = await parseSourceTarget(dir, sourceName);
      let ds = await loadTarget(target, ctx);
      if (expr !== undefined) ds = ds.filter(expr, { mode });
      const files = await exportWithProgress(ds, out, format, options, ctx, threads);
      ctx.print(`exported ${ds.size} items as ${format} to ${out} (${files} files)`);
      warnNoMedia(format, options, ctx);
    };
  },
});

async function projectInfo(dir: string, ctx: Context, asJson: boolean): Promise<void> {
  const config = await readProject(dir);
  const sources = config.sources.map((s) => ({ ...s, resolved: nodePath.resolve(dir, s.path) }));
  if (asJson) {
    ctx.printJson({ project: nodePath.resolve(dir), sources });
    return;
  }
  const lines = [`project ${nodePath.resolve(dir)}`, `sources: ${sources.length}`];
  for (const s of sources) lines.push(`  ${s.name}: ${s.format || '?'} at ${s.path}`);
  ctx.print(lines.join('\n'));
}

const info = defineCommand({
  command: 'info',
  describe: "List the project's sources (name, format, path)",
  options: { ...project, ...json },
  prepare(a, ctx) {
    noPassThrough(a, 'project info');
    return () => projectInfo(projectDir(a), ctx, a.json);
  },
});

export const projectCommand: CliCommand = {
  command: 'project',
  describe: 'Work with a project: a folder listing sources (create, import, add, remove, export, info)',
  subcommands: [create, importCommand, addCommand, remove, exportCommand, info],
};
