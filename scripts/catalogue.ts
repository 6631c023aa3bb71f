/**
 * Rewrites the perturbation catalogue in README.md from the registry (names, families,
 * descriptions, severities). Run after adding or changing a perturbation:
 *   npm run catalogue
 * test/perturb-catalogue.test.ts fails while the README is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogueTable, withCatalogue } from '../src/perturb/catalogue.ts';
import { loadRegistry } from '../src/perturb/registry.ts';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

const before = readFileSync(README, 'utf8');
const after = withCatalogue(before, catalogueTable((await loadRegistry()).list()));
if (after === before) console.log('README.md catalogue is up to date');
else {
  writeFileSync(README, after);
  console.log('README.md catalogue rewritten from the registry');
}
