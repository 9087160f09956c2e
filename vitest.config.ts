import { defineConfig } from 'vitest/config';

// Three projects (`npm test` runs all three, `npm run test:unit` the first):
// - unit: no database and no global set-up: pure code, the vectors in tests/vectors, the
//   independent tools on a file (pdftotext, zbarimg, openssl, pdfsig);
// - integration: the app in-process on PGlite (and PostgreSQL when DATABASE_URL is set);
// - system: what starts processes: the CLIs, the service, workerd, Chromium.
// A new test file lands in integration unless it matches a unit or system pattern below.
const unit = [
  'tests/unit/**/*.test.ts',
  'tests/credentials/**/*.test.ts',
  'tests/verification/checks.test.ts',
  'tests/verification/pipeline.test.ts',
  'tests/verification/pdf-document-cms.test.ts',
  'tests/verification/fragments.test.ts',
  'tests/portal/distinct-labels.test.ts',
  'tests/verifier/held-files.test.ts',
  'tests/verifier/secret-hash.test.ts',
  'tests/extracts/extract-number.test.ts',
  'tests/documents/qr.test.ts',
  'tests/documents/extract-pdf.test.ts',
  'tests/documents/pdf-seal.test.ts',
  'tests/verifier/cache-coalescing.test.ts',
  'tests/verifier/cache-status-lists.test.ts',
  'tests/auth/oidc.test.ts',
];
const system = [
  'tests/system/**/*.test.{ts,tsx}',
  'tests/cli/**/*.test.{ts,tsx}',
  'tests/edge/**/*.test.{ts,tsx}',
  'tests/browser/**/*.test.{ts,tsx}',
  'tests/db/synth.test.ts',
  'tests/keys/keys.test.ts',
  'tests/keys/rotation-beside-service.test.ts',
  'tests/verifier/seal-renewal.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // a page on a loaded 2-core machine may need more than expect.poll's default second
    expect: { poll: { timeout: 10_000 } },
    // CI also writes a JSON report; .ci/run prints its closing 'N passed, N failed' line from it
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/test-results.json' }]] : ['default'],
    projects: [
      // unit files share one module graph per worker (no database, no state kept between files):
      // a third less CPU than a fresh module graph per file
      { extends: true, test: { name: 'unit', include: unit, isolate: false } },
      {
        extends: true,
        test: { name: 'integration', include: ['tests/**/*.test.{ts,tsx}'], exclude: [...unit, ...system], globalSetup: ['tests/support/global-setup.ts'] },
      },
      { extends: true, test: { name: 'system', include: system, globalSetup: ['tests/support/global-setup.ts'] } },
    ],
  },
});
