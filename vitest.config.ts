import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    // Loading native TensorFlow (a 790 MB library) in a beforeAll takes seconds on a busy machine.
    hookTimeout: 60_000,
    // netwright-layers.js (TF.js exports ship it) is generated, not kept in the sources.
    globalSetup: ['scripts/vitest-global-setup.mjs'],
  },
});
