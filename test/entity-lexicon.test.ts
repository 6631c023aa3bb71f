/**
 * The bundled lists of the name perturbations (src/perturb/entity/names-lexicon.ts) follow their rules:
 * keys `<kind>.<sub>`, no duplicates, genders disjoint, first names that are no English word, Latin
 * script, noun pairs well formed, and every entry read by exactly the perturbations that declare it.
 */
import { describe, expect, it } from 'vitest';
import { replacementPool } from '../src/perturb/entity/name-replace.ts';
import { isCommonWord, WORD_FIRST_NAMES } from '../src/perturb/entity/names.ts';
import {
  FAMILY_NAME_FIRST,
  NAME_ENTRIES,
  NAME_LEXICON,
  type NameEntry,
  NEVER_DRAWN,
} from '../src/perturb/entity/names-lexicon.ts';
import { loadRegistry } from '../src/perturb/registry.ts';

const ENTRIES = Object.entries(NAME_LEXICON) as [NameEntry, readonly string[]][];

describe('names lexicon', () => {
  it('describes every list and lists every description', () => {
    expect(Object.keys(NAME_LEXICON).sort()).toEqual(Object.keys(NAME_ENTRIES).sort());
    for (const [key, list] of ENTRIES) {
      expect(key).toMatch(/^(?:person|location|organization|gender)\.[a-z-]+$/);
      expect(list.length, key).toBeGreaterThan(0);
    }
  });

  it('has no duplicate within a list, and no first name in two genders', () => {
    for (const [key, list] of ENTRIES) {
      const lower = list.map((s) => s.toLowerCase());
      expect(new Set(lower).size, `${key} has a duplicate`).toBe(lower.length);
    }
    const [f, m, u] = (['person.female', 'person.male', 'person.unisex'] as const).map(
      (k) => new Set(NAME_LEXICON[k].map((s) => s.toLowerCase())),
    );
    for (const name of f!) expect(m!.has(name) || u!.has(name), name).toBe(false);
    for (const name of m!) expect(u!.has(name), name).toBe(false);
  });

  it('has no first name that is an everyday word (the detector’s hard cases: Grace, Will, Mark …)', () => {
    for (const key of ['person.female', 'person.male', 'person.unisex'] as const) {
      for (const name of NAME_LEXICON[key]) {
        expect(Object.hasOwn(WORD_FIRST_NAMES, name.toLowerCase()), `${key}: ${name}`).toBe(false);
      }
    }
  });

  it('never draws a one-word place or organisation that is also an English word from a bundled list', () => {
    for (const key of Object.keys(NAME_LEXICON) as NameEntry[]) {
      if (!/^(?:location|organization)\./.test(key)) continue;
      for (const item of replacementPool({}, key)) {
        const bare = item.replace(/^the /, '');
        if (!bare.includes(' ')) expect(isCommonWord(bare), `${key}: ${item}`).toBe(false);
      }
    }
    expect(replacementPool({}, 'location.city')).not.toContain('Nice');
  });

  it('writes every item in Latin script, as a name is written', () => {
    for (const [key, list] of ENTRIES) {
      for (const item of list) {
        expect(item, key).toMatch(/^[\p{Script=Latin}0-9][\p{Script=Latin}0-9 '’&.+/-]*$/u);
        expect(item.trim(), key).toBe(item);
      }
    }
  });

  it('pairs gendered nouns as male/female', () => {
    for (const item of NAME_LEXICON['gender.nouns']) expect(item).toMatch(/^[a-zé-]+\/[a-zé-]+$/);
  });

  it('is read by the perturbations that declare it, and every entry by one of them', async () => {
    const defs = (await loadRegistry()).list().filter((d) => d.family === 'entity');
    const declared = new Set(defs.flatMap((d) => Object.keys(d.lexicons ?? {})));
    for (const key of Object.keys(NAME_ENTRIES)) expect(declared.has(key), key).toBe(true);
  });

  it('keeps the niche items known to the detector but out of every replacement pool', () => {
    const all = ENTRIES.flatMap(([, list]) => list.map((s) => s.toLowerCase()));
    for (const item of NEVER_DRAWN) {
      expect(all, item).toContain(item);
      for (const [key] of ENTRIES) {
        expect(
          replacementPool({}, key).map((s) => s.toLowerCase()),
          key,
        ).not.toContain(item);
      }
    }
  });

  it('writes the family-name-first surnames lowercase, without accents', () => {
    for (const name of FAMILY_NAME_FIRST) expect(name).toMatch(/^[a-z]+$/);
  });
});
