/**
 * Is dist/ the build of the sources as they are now? `npm run build` (scripts/build.js) records in
 * dist/build-stamp.json the newest modification time among what it compiles: the TypeScript files
 * under src/ and perturbations/, their folders (adding, removing or renaming a file changes its
 * folder's time) and the tsconfig files — read before compiling, so an edit made during the build
 * counts as newer. In a checkout, bin/tailcheck.js runs dist/ only while nothing is newer.
 *
 * Modification times, not content hashes: ~200 stat calls (a few ms), and every edit, `git checkout`,
 * `git pull` or `git stash pop` writes a new time. Only a copy that restores old times (`cp -p`,
 * `rsync -t`, `tar x`) can slip by; `npm run build` again (or deleting dist/) settles it.
 * Plain JavaScript: it runs before anything is built.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP_FILE = join('dist', 'build-stamp.json');
const SOURCE_DIRS = ['src', 'perturbations'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time (ms) of the sources dist/ is built from, under `root`. */
export function newestSourceTime(root) {
  let newest = 0;
  const visit = (dir) => {
    newest = Math.max(newest, statSync(dir).mtimeMs);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      // tests are not compiled; editing one does not make dist/ stale
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) visit(join(root, dir));
  for (const file of CONFIG_FILES) {
    if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  }
  return newest;
}

/** True when `root`/dist was built by `npm run build` from sources none of which changed since. */
export function distIsCurrent(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP_FILE), 'utf8'));
  } catch {
    return false; // never built by scripts/build.js, or the build failed
  }
  return typeof stamp?.sourcesNewest === 'number' && newestSourceTime(root) <= stamp.sourcesNewest;
}
