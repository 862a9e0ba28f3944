import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // test/runtimes/*.mjs run under Deno and Chromium (npm run test:deno / test:browser).
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
