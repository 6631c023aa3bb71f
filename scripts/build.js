#!/usr/bin/env node
/**
 * `npm run build`, also run as `prepare`: by `npm ci` / `npm install` in a checkout, by `npm pack` and
 * `npm publish`, and when a project installs tailcheck from git (npm installs the devDependencies for
 * that). A clean dist/ from tsconfig.build.json, then dist/build-stamp.json (scripts/dist-stamp.js),
 * which tells bin/tailcheck.js that dist/ is the build of the current sources.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestSourceTime, STAMP_FILE } from './dist-stamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // An install without devDependencies (`npm ci --omit=dev`): nothing to compile with, and the CLI
  // still runs from the sources. A package packed now would lack dist/, so pack and publish stop.
  if (['pack', 'publish'].includes(process.env.npm_command ?? '')) {
    console.error('tailcheck build: typescript is not installed; cannot pack a package without dist/');
    process.exit(1);
  }
  console.warn(
    'tailcheck build: typescript is not installed; dist/ not built (bin/tailcheck.js then runs the sources, which needs tsx: install the devDependencies)',
  );
  process.exit(0);
}

// Read before compiling: a source edited while tsc runs is then newer than the stamp.
const sourcesNewest = newestSourceTime(root);
// From scratch: tsc never deletes the output of a removed source (a deleted perturbation would live on).
rmSync(join(root, 'dist'), { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
// Failed: no stamp, so bin/tailcheck.js keeps running the sources.
if (run.status !== 0) process.exit(run.status ?? 1);
writeFileSync(
  join(root, STAMP_FILE),
  `${JSON.stringify({ sourcesNewest, builtAt: new Date().toISOString() }, null, 2)}\n`,
);
