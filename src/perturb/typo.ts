/**
 * Shared machinery of the typo family: how many sites a severity asks for, which words are
 * eligible, and the QWERTY layout. Each typo perturbation supplies only its word-level edit.
 */
import type { EditProposal, PerturbationContext, Rng, Severity, SeverityDocs } from '../types.ts';
import { MIN_SITES } from '../types.ts';
import { latinWords, minimalDiff, type Segment } from './text/index.ts';

export const TYPO_SEVERITIES: SeverityDocs = {
  1: 'one edit in the text',
  2: '~10% of eligible words get an edit, at least 2 (texts with fewer eligible words stay unchanged)',
  3: '~25% of eligible words get an edit, at least 3 (texts with fewer eligible words stay unchanged)',
};

/**
 * Sites to edit for a severity, given the number of eligible sites: 1, then ~10 % (≥ 2), then ~25 %
 * (≥ 3). A text with fewer eligible sites than a level's floor gets no edit at that level (the variant
 * is unchanged and not counted): editing all it has would give level 3 the text of level 1 or 2.
 */
export function typoSiteCount(severity: Severity, eligible: number): number {
  if (eligible < MIN_SITES[severity]) return 0;
  if (severity === 1) return 1;
  const share = severity === 2 ? 0.1 : 0.25;
  return Math.min(eligible, Math.max(MIN_SITES[severity], Math.round(eligible * share)));
}

export interface WordTypo {
  /** shortest word (in letters) that may be edited; default 3 */
  minLength?: number;
  /** true when `mutate` can change this word (default: always) */
  canMutate?(word: string): boolean;
  /** the misspelt word, different from `word`; null when no edit applies */
  mutate(word: string, rng: Rng): string | null;
}

/** Unprotected Latin words of at least `minLength` letters that `canMutate` accepts. */
export function eligibleWords(
  text: string,
  ctx: PerturbationContext,
  minLength: number,
  canMutate?: (word: string) => boolean,
): Segment[] {
  const out: Segment[] = [];
  for (const w of latinWords(text)) {
    if (w.end - w.start < minLength) continue;
    if (!ctx.isFree(w.start, w.end)) continue;
    if (canMutate && !canMutate(w.text)) continue;
    out.push(w);
  }
  return out;
}

/**
 * The common typo driver: picks `typoSiteCount` eligible words at random and edits one
 * place in each, returned as the minimal replacement inside the word.
 */
export function applyWordTypo(text: string, ctx: PerturbationContext, typo: WordTypo): EditProposal[] {
  const words = eligibleWords(text, ctx, typo.minLength ?? 3, typo.canMutate);
  const count = typoSiteCount(ctx.severity, words.length);
  if (count === 0) return [];
  const chosen = count === 1 ? [words[ctx.rng.int(words.length)]!] : ctx.rng.sample(words, count);
  if (chosen.length > 1) chosen.sort((a, b) => a.start - b.start);
  const out: EditProposal[] = [];
  for (const w of chosen) {
    const next = typo.mutate(w.text, ctx.rng);
    if (next === null) continue;
    const d = minimalDiff(w.text, next);
    if (d) out.push({ start: w.start + d.start, end: w.start + d.end, replacement: d.replacement });
  }
  return out;
}

// ───────────────────────────── keyboard ─────────────────────────────

const QWERTY_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
// Row offsets in key widths, as on a physical keyboard.
const ROW_SHIFT = [0, 0.25, 0.75];

/** Letter → letters on adjacent QWERTY keys (same row left/right, rows above and below). */
export const QWERTY_NEIGHBOURS: Readonly<Record<string, string>> = (() => {
  const pos = new Map<string, [number, number]>();
  QWERTY_ROWS.forEach((row, r) => {
    [...row].forEach((ch, c) => {
      pos.set(ch, [r, c + ROW_SHIFT[r]!]);
    });
  });
  const out: Record<string, string> = {};
  for (const [ch, [r, x]] of pos) {
    let near = '';
    for (const [other, [r2, x2]] of pos) {
      if (other === ch) continue;
      const dx = Math.abs(x2 - x);
      if ((r2 === r && dx === 1) || (Math.abs(r2 - r) === 1 && dx <= 0.75)) near += other;
    }
    out[ch] = near;
  }
  return out;
})();

/** A random keyboard neighbour of the ASCII letter `ch`, in its case; undefined for others. */
export function neighbourKey(ch: string, rng: Rng): string | undefined {
  const lower = ch.toLowerCase();
  const near = QWERTY_NEIGHBOURS[lower];
  if (!near) return undefined;
  const picked = near[rng.int(near.length)]!;
  return ch === lower ? picked : picked.toUpperCase();
}

/** Offsets of ASCII letters in `word` (the keys the keyboard model knows). */
export function asciiLetterOffsets(word: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) | 0x20;
    if (c >= 97 && c <= 122) out.push(i);
  }
  return out;
}

export function hasAsciiLetter(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) | 0x20;
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}
