import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      'ipb-ledger': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // starts PostgreSQL and finds Chromium when the machine provides none (test/setup/global.ts)
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: '.tmp/vitest.json' }]] : ['default'],
  },
});
