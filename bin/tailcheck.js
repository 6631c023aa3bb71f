#!/usr/bin/env node
// An installed package runs the compiled dist/. A checkout of the repository (src/ beside bin/) runs
// dist/ only when it is the build of the current sources (scripts/dist-stamp.js: no source newer than
// the last `npm run build`), else the TypeScript sources through tsx — so the CLI, and the tests that
// spawn it, never run a stale build, and a fresh clone needs no build step.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const built = new URL('../dist/src/cli/main.js', import.meta.url);
const checkout = existsSync(here('../src/cli/main.ts'));
const runBuilt =
  !checkout ||
  (existsSync(fileURLToPath(built)) && (await import('../scripts/dist-stamp.js')).distIsCurrent(here('..')));
if (runBuilt) {
  await import(built.href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    // A checkout installed without devDependencies (npm ci --omit=dev) has neither a current build nor tsx.
    process.stderr.write(
      'tailcheck: this checkout has no current build in dist/ and no tsx to run the sources: run `npm ci` (with devDependencies), then `npm run build`\n',
    );
    process.exit(2);
  }
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
