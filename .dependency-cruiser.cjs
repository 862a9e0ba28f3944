/**
 * The layer check (`npm run check:layers`, part of `npm test`): imports in src/ run one way,
 * from the top of this list to the bottom. A module may import its own layer's folder and the
 * layers below it, never a layer above or beside it. ARCHITECTURE.md draws the same picture.
 * There is no exceptions list: a new import that breaks a rule is a design question, not a
 * line to add here.
 */

/** Top to bottom. Each entry: the layer's name and the paths (regexes under src/) it holds. */
const LAYERS = [
  ['cli', ['cli/']],
  ['entries', ['index\\.ts$', 'node\\.ts$', 'browser\\.ts$']],
  ['io', ['io/']],
  ['api', ['api\\.ts$']],
  ['dataset', ['dataset/']],
  ['formats', ['formats/']],
  ['validate', ['validate/']],
  ['stats', ['stats/']],
  ['preview', ['preview/']],
  ['archive', ['archive/']],
  ['platform', ['platform/']],
  ['model', ['model/']],
  ['image', ['image/']],
  ['sources', ['sources/']],
  ['pickle', ['pickle/']],
  ['kernels', ['kernels/']],
  ['base', ['errors\\.ts$', 'warnings\\.ts$', 'bytes\\.ts$', 'limits\\.ts$', 'strings\\.ts$']],
];

/**
 * What each layer may import besides itself: the layers it stands on. Side by side layers
 * (formats, validate, stats, preview; pickle and kernels; image and sources) do not import
 * each other.
 */
const MAY_IMPORT = {
  cli: ['entries', 'io', 'api', 'dataset', 'formats', 'validate', 'stats', 'preview', 'archive', 'platform', 'model', 'image', 'sources', 'pickle', 'kernels', 'base'],
  entries: ['io', 'api', 'platform', 'image', 'base'],
  io: ['api', 'dataset', 'formats', 'archive', 'platform', 'model', 'image', 'sources', 'base'],
  api: ['dataset', 'formats', 'validate', 'stats', 'preview', 'archive', 'platform', 'model', 'image', 'sources', 'pickle', 'kernels', 'base'],
  dataset: ['formats', 'validate', 'stats', 'archive', 'platform', 'model', 'image', 'sources', 'kernels', 'base'],
  formats: ['archive', 'model', 'image', 'sources', 'pickle', 'kernels', 'base'],
  validate: ['model', 'image', 'sources', 'kernels', 'base'],
  stats: ['model', 'image', 'kernels', 'base'],
  preview: ['model', 'image', 'base'],
  archive: ['platform', 'sources', 'base'],
  platform: ['model', 'image', 'sources', 'base'],
  model: ['image', 'base'],
  image: ['kernels', 'base'],
  sources: ['base'],
  pickle: ['base'],
  kernels: ['base'],
  base: ['base'],
};

const pathsOf = (name) => {
  const layer = LAYERS.find(([n]) => n === name);
  if (!layer) throw new Error(`unknown layer ${name}`);
  return layer[1].map((p) => `^src/${p}`);
};
const anyOf = (patterns) => `(${patterns.join('|')})`;

const layerRules = LAYERS.map(([name, paths]) => ({
  name: `layer-${name}`,
  comment: `src/${paths.join(', src/')} may import only: ${[name, ...MAY_IMPORT[name]].join(', ')}`,
  severity: 'error',
  from: { path: anyOf(paths.map((p) => `^src/${p}`)) },
  to: {
    path: '^src/',
    pathNot: anyOf([name, ...MAY_IMPORT[name]].flatMap(pathsOf)),
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-cycles',
      comment: 'No two modules import each other, directly or around a ring (type-only imports count).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'unplaced-module',
      comment: 'Every module of src/ belongs to a layer (add a new folder to LAYERS, in its place).',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(LAYERS.flatMap(([, paths]) => paths.map((p) => `^src/${p}`))) },
      to: {},
    },
    {
      name: 'wasm-inside-kernels',
      comment: 'The wasm module and its instance belong to src/kernels/ alone.',
      severity: 'error',
      from: { pathNot: '^src/kernels/' },
      to: { path: '^src/kernels/wasm' },
    },
    {
      name: 'web-standard-core',
      comment: 'Only the runtime edges (src/io/, src/cli/, the Node entry) use Node built-ins.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(io/|cli/|index\\.ts$|node\\.ts$)' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo in a path is caught here, not at run time).',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.d.ts'] },
    moduleSystems: ['es6'],
  },
};
