import { defineConfig } from 'vitest/config';

/**
 * The reliability suite, full form: `LEANSTOCK_RELIABILITY=full vitest run --config vitest.reliability.config.ts`
 * (`npm run test:reliability`). One file at a time: the PostgreSQL restart scenario restarts the shared
 * server, and the loads measure figures that neighbours would distort.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
