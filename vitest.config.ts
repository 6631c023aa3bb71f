import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The package imports itself by name in examples/ (`import 'tailcheck/vitest'`, as a user's
    // repository would). Its `exports` point to dist/, which exists only after a build, so tests
    // run against the sources. tsc maps the same names through `paths` in tsconfig.json.
    alias: [
      { find: /^tailcheck$/, replacement: source('./src/index.ts') },
      { find: /^tailcheck\/vitest$/, replacement: source('./src/vitest/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'perturbations/**/*.test.ts', 'examples/**/*.test.ts'],
    // Model-backed tests load ONNX sessions; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
