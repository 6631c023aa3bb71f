import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'perturbations/**/*.test.ts', 'examples/**/*.test.ts'],
    // Model-backed tests load ONNX sessions; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
