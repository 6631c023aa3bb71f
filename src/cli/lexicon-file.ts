/** `--lexicon FILE.yaml`: reads and checks a user lexicon (the format: src/perturb/lexicon.ts). */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.ts';
import { type Lexicon, toLexicon } from '../perturb/lexicon.ts';

/** Reads a lexicon file (YAML or JSON). */
export function readLexiconFile(path: string): Lexicon {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--lexicon: cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new UsageError(`--lexicon ${path}: not valid YAML: ${(err as Error).message}`);
  }
  return toLexicon(parsed, `--lexicon ${path}`);
}
