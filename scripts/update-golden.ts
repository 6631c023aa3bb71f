/**
 * Regenerates perturbation golden files from the current output, for review in the diff:
 *   npx tsx scripts/update-golden.ts                  every perturbation (except needsModel ones)
 *   npx tsx scripts/update-golden.ts typo.keyboard    one perturbation, or a family, or a comma list
 *   npx tsx scripts/update-golden.ts --reset typo     rebuild the cases from the default sentences
 * Existing files keep their cases and seed; only `expected` is recomputed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initPerturbations, perturbText } from '../src/perturb/engine.ts';
import { hasSeverity, loadRegistry, PERTURBATIONS_DIR, severitiesOf } from '../src/perturb/registry.ts';
import type { PerturbationDefinition, Severity } from '../src/types.ts';

export interface GoldenCase {
  text: string;
  severity: Severity;
  variant: number;
  expected: string;
}

export interface GoldenFile {
  perturbation: string;
  seed: number;
  cases: GoldenCase[];
}

/** Sentences written for the golden tests: bank and chat queries with numbers, negations, links and other scripts. */
export const GOLDEN_SENTENCES: readonly string[] = [
  'I still have not received the replacement card I ordered on 3rd March.',
  "Why was I charged £2.50 twice for the same transfer? I didn't approve it.",
  'Please check https://help.example.org/fees before writing to support@example.org about the 1,250.75 EUR payment.',
  'My daughter cannot log into the mobile app since the update at 10:30pm yesterday.',
  'THE EXCHANGE RATE LOOKS WRONG FOR MY DOLLARS',
  'Can you tell me whether the withdrawal limit is different when I travel abroad?',
  'Thanks @helpdesk, the new account works perfectly now #happy',
  'I would definitely recommend this restaurant to a friend, the service was beautiful and friendly',
  'Meine Karte ist weg: 東京で なくしました 🙂 café',
  'ok',
];

const SEED = 7;

export function goldenPath(def: PerturbationDefinition): string {
  const kind = def.name.slice(def.family.length + 1);
  return join(PERTURBATIONS_DIR, def.family, `${kind}.golden.json`);
}

/** Every sentence at every level `def` declares, and a second variant of two sentences. */
function defaultCases(def: PerturbationDefinition): Omit<GoldenCase, 'expected'>[] {
  const levels = severitiesOf(def);
  const cases: Omit<GoldenCase, 'expected'>[] = [];
  for (const text of GOLDEN_SENTENCES) {
    for (const severity of levels) cases.push({ text, severity, variant: 0 });
  }
  // A second variant shows that variants differ.
  const second = levels[Math.min(1, levels.length - 1)]!;
  for (const text of GOLDEN_SENTENCES.slice(0, 2)) cases.push({ text, severity: second, variant: 1 });
  return cases;
}

async function update(def: PerturbationDefinition, reset: boolean): Promise<string> {
  const path = goldenPath(def);
  const old: GoldenFile | undefined =
    existsSync(path) && !reset ? (JSON.parse(readFileSync(path, 'utf8')) as GoldenFile) : undefined;
  const seed = old?.seed ?? SEED;
  const cases: GoldenCase[] = [];
  let changed = 0;
  // Cases at a level the perturbation no longer declares are dropped.
  for (const c of (old?.cases ?? defaultCases(def)).filter((c) => hasSeverity(def, c.severity))) {
    const v = await perturbText(c.text, def, { seed, severity: c.severity, variant: c.variant });
    const before = (c as Partial<GoldenCase>).expected;
    if (before !== undefined && before !== v.text) changed++;
    cases.push({ text: c.text, severity: c.severity, variant: c.variant, expected: v.text });
  }
  const file: GoldenFile = { perturbation: def.name, seed, cases };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  const what = old
    ? `${changed} of ${cases.length} expected outputs changed`
    : `${cases.length} cases written`;
  return `${def.name}: ${what} → ${path}`;
}

async function main(args: string[]): Promise<void> {
  const reset = args.includes('--reset');
  const names = args.filter((a) => a !== '--reset');
  const registry = await loadRegistry();
  // golden files cover directional transforms too: name them exactly
  const defs = (names.length > 0 ? registry.resolve(names, { directional: true }) : registry.list()).filter(
    (d) => !d.needsModel,
  );
  await initPerturbations(defs);
  for (const def of defs) console.log(await update(def, reset));
}

await main(process.argv.slice(2));
