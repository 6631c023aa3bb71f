/**
 * The text kit shared by the engine and every perturbation family: graphemes, scripts, the
 * tokenizer, case matching and sentence starts, one of each. Everything works on UTF-16
 * offsets into the original text. One import for callers; each topic lives in its own module.
 */

export { type CaseShape, caseShape, isAllCaps, lowerFirst, matchCase, upperFirst } from './case.ts';
export { minimalDiff } from './diff.ts';
export { graphemeBoundaries, graphemes, isAscii, isGraphemeBoundary, type Segment } from './graphemes.ts';
export { dominantScript, isAsciiLetter, isLatinLetter, type Script, scriptOf } from './scripts.ts';
export { isSentenceStart, type SentenceStartOptions, sentenceSpans } from './sentences.ts';
export {
  latinWords,
  type StandaloneOptions,
  standalone,
  type Token,
  type TokenizeOptions,
  tokenize,
} from './tokens.ts';
