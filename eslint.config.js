import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

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
);
