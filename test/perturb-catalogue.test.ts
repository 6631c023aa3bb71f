import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUE_END, CATALOGUE_START, catalogueTable, withCatalogue } from '../src/perturb/catalogue.ts';
import { loadRegistry } from '../src/perturb/registry.ts';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

describe('README perturbation catalogue', () => {
  it('is what the registry generates (run `npm run catalogue` to update it)', async () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toBe(withCatalogue(readme, catalogueTable((await loadRegistry()).list())));
  });

  it('replaces only the text between the markers, and refuses a README without them', () => {
    const doc = `intro\n${CATALOGUE_START}\nold\n${CATALOGUE_END}\noutro\n`;
    expect(withCatalogue(doc, 'new')).toBe(`intro\n${CATALOGUE_START}\nnew\n${CATALOGUE_END}\noutro\n`);
    expect(() => withCatalogue('no markers', 'new')).toThrow(/no catalogue markers/);
  });
});
