/**
 * Case of the text kit: one `matchCase` for every family, so a replacement is written the way
 * the word it replaces was ("Receive" → "Recieve", "PLEASE" → "PLS", "Do not" → "Don't").
 */

export type CaseShape = 'lower' | 'upper' | 'title' | 'mixed';

export function caseShape(word: string): CaseShape {
  const lower = word.toLowerCase();
  const upper = word.toUpperCase();
  if (word === lower) return 'lower';
  if (word === upper) return lower === upper ? 'lower' : word.length === 1 ? 'title' : 'upper';
  const first = word.slice(0, 1);
  if (first === first.toUpperCase() && word.slice(1) === word.slice(1).toLowerCase()) return 'title';
  return 'mixed';
}

/** Two or more ASCII capitals and no lower case letter ("PIN", "ATM CARD"; not "I" or "A"). */
export function isAllCaps(s: string): boolean {
  return /[A-Z]/.test(s) && s === s.toUpperCase() && /[A-Z].*[A-Z]/.test(s);
}

export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * `word` written in the case of `template`. By default the whole shape: UPPER, Title or
 * lower (a mixed-case template such as "iPhone" keeps `word` as given). With
 * `{ initialOnly: true }`, for phrases: only the first letter follows the template, the
 * rest stays as written ("Do not" → "Don't", "i" inside stays), unless the template is
 * ALL CAPS, which upper-cases it all.
 */
export function matchCase(template: string, word: string, opts: { initialOnly?: boolean } = {}): string {
  if (opts.initialOnly) {
    if (isAllCaps(template)) return word.toUpperCase();
    if (/^[A-Z]/.test(template)) return upperFirst(word);
    if (/^[a-z]/.test(template)) return lowerFirst(word);
    return word;
  }
  switch (caseShape(template)) {
    case 'lower':
      return word.toLowerCase();
    case 'upper':
      return word.toUpperCase();
    case 'title':
      return word.slice(0, 1).toUpperCase() + word.slice(1).toLowerCase();
    default:
      return word;
  }
}
