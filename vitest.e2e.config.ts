import { defineConfig } from 'vitest/config';

/** The browser tests (npm run test:e2e): Debian's Chromium against `npm start`'s page and API. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
