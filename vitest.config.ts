import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages,services,scripts,deploy,e2e,bench,eval}/**/*.test.{ts,tsx}'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only contend for the one PostgreSQL server.
    maxWorkers: 2,
  },
});
