/**
 * Letters and scripts of the text kit: which characters a character-level edit may touch
 * (single-unit Latin letters) and which writing system a text is in, so perturbations made for
 * Latin text leave CJK or right-to-left text alone.
 */
import { isAscii } from './graphemes.ts';

export function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Latin letters encoded as one UTF-16 unit: ASCII, Latin-1 Supplement, Latin Extended-A/B
 * (minus the × and ÷ signs). Combining marks are excluded on purpose: a word that carries
 * one is left alone so edits never split a grapheme.
 */
export function isLatinLetter(code: number): boolean {
  if (code < 128) return isAsciiLetter(code);
  return code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7;
}

export type Script = 'latin' | 'cjk' | 'rtl' | 'other' | 'none';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const RTL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u;
const LETTER = /\p{L}/u;

/** The script of a single character (code point). */
export function scriptOf(char: string): Script {
  const code = char.charCodeAt(0);
  if (isLatinLetter(code) || /\p{Script=Latin}/u.test(char)) return 'latin';
  if (CJK.test(char)) return 'cjk';
  if (RTL.test(char)) return 'rtl';
  return LETTER.test(char) ? 'other' : 'none';
}

/** The script most letters of `text` belong to ('none' when it has no letters). */
export function dominantScript(text: string): Script {
  if (isAscii(text)) return /[A-Za-z]/.test(text) ? 'latin' : 'none';
  const counts: Record<Script, number> = { latin: 0, cjk: 0, rtl: 0, other: 0, none: 0 };
  for (const ch of text) counts[scriptOf(ch)]++;
  let best: Script = 'none';
  for (const s of ['latin', 'cjk', 'rtl', 'other'] as const)
    if (counts[s] > counts[best] || (best === 'none' && counts[s] > 0)) best = s;
  return best;
}
