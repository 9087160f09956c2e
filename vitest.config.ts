import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // a page on a loaded 2-core machine may need more than expect.poll's default second
    expect: { poll: { timeout: 10_000 } },
    // CI also writes a JSON report; .ci/run prints its closing 'N passed, N failed' line from it
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/test-results.json' }]] : ['default'],
  },
});
