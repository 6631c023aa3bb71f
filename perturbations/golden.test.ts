/**
 * Golden tests: every registered perturbation (except model-backed ones, which test their
 * own protocol) has `perturbations/<family>/<kind>.golden.json` covering its declared severities,
 * and today's output matches it exactly. Regenerate for review: npx tsx scripts/update-golden.ts <name>
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initPerturbations, perturbText } from '../src/perturb/engine.ts';
import { compileConstraints, ProtectedText } from '../src/perturb/protect/constraints.ts';
import { loadRegistry, PERTURBATIONS_DIR, severitiesOf } from '../src/perturb/registry.ts';
import type { Severity } from '../src/types.ts';

interface GoldenFile {
  perturbation: string;
  seed: number;
  cases: { text: string; severity: Severity; variant: number; expected: string }[];
}

const registry = await loadRegistry();
const defs = registry.list().filter((d) => !d.needsModel);

describe('perturbation golden files', () => {
  it('finds the typo family', () => {
    expect(defs.filter((d) => d.family === 'typo').length).toBeGreaterThanOrEqual(10);
  });

  describe.each(defs.map((d) => [d.name, d] as const))('%s', (name, def) => {
    const path = join(PERTURBATIONS_DIR, def.family, `${name.slice(def.family.length + 1)}.golden.json`);

    it('has a golden file covering its declared severities and protected text', () => {
      expect(
        existsSync(path),
        `missing ${path}; create it with: npx tsx scripts/update-golden.ts ${name}`,
      ).toBe(true);
      const golden = JSON.parse(readFileSync(path, 'utf8')) as GoldenFile;
      expect(golden.perturbation).toBe(name);
      expect(Number.isInteger(golden.seed)).toBe(true);
      expect(new Set(golden.cases.map((c) => c.severity))).toEqual(new Set(severitiesOf(def)));
      // at least one sentence with a number, negation, URL or similar protected span
      expect(golden.cases.some((c) => new ProtectedText(c.text, compileConstraints()).spans.length > 0)).toBe(
        true,
      );
      // and the goldens must show the perturbation doing something
      expect(golden.cases.some((c) => c.expected !== c.text)).toBe(true);
    });

    it('matches its golden output exactly', async () => {
      if (!existsSync(path)) return; // reported by the test above
      const golden = JSON.parse(readFileSync(path, 'utf8')) as GoldenFile;
      await initPerturbations([def]);
      const actual: string[] = [];
      for (const c of golden.cases) {
        const v = await perturbText(c.text, def, {
          seed: golden.seed,
          severity: c.severity,
          variant: c.variant,
        });
        actual.push(v.text);
      }
      expect(actual).toEqual(golden.cases.map((c) => c.expected));
    });
  });
});
