/**
 * CheckList-style templates: `I lost my {card_type} {time}` filled from lexicons by
 * Cartesian product. When the product is larger than `maxCases`, a seeded sample of
 * distinct fillings is drawn, so a suite run is reproducible.
 */
import type { Rng } from '../types.ts';
import { createRng, rngKey } from '../util/rng.ts';

export type Lexicons = Readonly<Record<string, readonly string[]>>;

export interface TemplateCase {
  text: string;
  template: string;
  /** placeholder → the word it was filled with */
  fill: Record<string, string>;
}

const PLACEHOLDER = /\{([A-Za-z_][\w-]*)\}/g;

/** Placeholder names in order of first appearance (a repeated one is filled identically). */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Number of distinct fillings of one template. */
export function caseCount(template: string, lexicons: Lexicons): number {
  return placeholders(template).reduce((n, name) => n * (lexicons[name]?.length ?? 0), 1);
}

/** The `index`-th filling in mixed-radix order (last placeholder varies fastest). */
export function fillTemplate(template: string, lexicons: Lexicons, index: number): TemplateCase {
  const names = placeholders(template);
  const fill: Record<string, string> = {};
  let rest = index;
  for (let i = names.length - 1; i >= 0; i--) {
    const words = lexicons[names[i]!]!;
    fill[names[i]!] = words[rest % words.length]!;
    rest = Math.floor(rest / words.length);
  }
  const text = template.replace(PLACEHOLDER, (_, name: string) => fill[name]!);
  return { text, template, fill };
}

/** k distinct integers from [0, total), ascending; exact for any total. */
function sampleIndices(rng: Rng, total: number, k: number): number[] {
  if (k >= total) return Array.from({ length: total }, (_, i) => i);
  let picked: number[];
  if (total <= 1_000_000) {
    picked = rng.sample(
      Array.from({ length: total }, (_, i) => i),
      k,
    );
  } else {
    const seen = new Set<number>();
    while (seen.size < k) seen.add(rng.int(total));
    picked = [...seen];
  }
  return picked.sort((a, b) => a - b);
}

export interface ExpandOptions {
  maxCases: number;
  seed: number;
  /** distinguishes the sample of one test from another's */
  key: string;
}

/**
 * All fillings of all templates, or a seeded sample of `maxCases` of them drawn
 * uniformly over the combined product. Throws on a placeholder without a lexicon
 * (the loader reports that earlier with the YAML position).
 */
export function expandTemplates(
  templates: readonly string[],
  lexicons: Lexicons,
  options: ExpandOptions,
): TemplateCase[] {
  for (const t of templates) {
    const missing = placeholders(t).filter((name) => !lexicons[name]?.length);
    if (missing.length)
      throw new Error(`template ${JSON.stringify(t)}: no lexicon for {${missing.join('}, {')}}`);
  }
  const counts = templates.map((t) => caseCount(t, lexicons));
  const total = counts.reduce((a, b) => a + b, 0);
  const rng = createRng(rngKey('suite-templates', options.seed, options.key));
  const cases: TemplateCase[] = [];
  for (const global of sampleIndices(rng, total, options.maxCases)) {
    let index = global;
    let t = 0;
    while (index >= counts[t]!) index -= counts[t++]!;
    cases.push(fillTemplate(templates[t]!, lexicons, index));
  }
  return cases;
}
