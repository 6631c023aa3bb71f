/**
 * The gold entity sets (test/fixtures/entities/gold-*.txt, format in that folder's README): parsing the
 * inline markup `[kind: text]` into plain texts with spans, and scoring a detector against them by exact
 * span match (kind, start and end all equal), per kind. Shared by the detection test and
 * bench/entity-detection.ts.
 */
import { readFileSync } from 'node:fs';
import { ENTITY_KINDS, type EntityKind, type EntitySpan } from '../../src/perturb/entity/spans.ts';

export interface GoldSentence {
  /** 1-based line in the gold file */
  line: number;
  text: string;
  entities: EntitySpan[];
}

const MARK = /\[([a-z]+): ([^\]]+)\]/g;

/** Parses a gold file's text; throws on an unknown kind or a stray bracket, naming the line. */
export function parseGold(source: string): GoldSentence[] {
  const out: GoldSentence[] = [];
  source.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let text = '';
    let cursor = 0;
    const entities: EntitySpan[] = [];
    for (const m of line.matchAll(MARK)) {
      const kind = m[1] as EntityKind;
      if (!ENTITY_KINDS.includes(kind)) throw new Error(`gold line ${i + 1}: unknown kind "${m[1]}"`);
      text += line.slice(cursor, m.index);
      const start = text.length;
      text += m[2];
      entities.push({ kind, start, end: text.length, text: m[2]! });
      cursor = m.index! + m[0].length;
    }
    text += line.slice(cursor);
    if (/[[\]]/.test(text)) throw new Error(`gold line ${i + 1}: unbalanced or malformed markup`);
    out.push({ line: i + 1, text, entities });
  });
  return out;
}

export function readGold(path: string): GoldSentence[] {
  return parseGold(readFileSync(path, 'utf8'));
}

export interface KindScore {
  kind: EntityKind;
  tp: number;
  fp: number;
  fn: number;
  /** tp / (tp + fp); 1 when nothing was predicted */
  precision: number;
  /** tp / (tp + fn); 1 when there was nothing to find */
  recall: number;
  f1: number;
}

export interface DetectionError {
  line: number;
  text: string;
  kind: EntityKind;
  span: string;
  error: 'missed' | 'spurious';
}

const key = (e: EntitySpan): string => `${e.kind}:${e.start}:${e.end}`;

/** Exact-match precision and recall per kind of `detect` on `gold`, with every error listed. */
export function scoreDetection(
  gold: readonly GoldSentence[],
  detect: (text: string) => readonly EntitySpan[],
  kinds: readonly EntityKind[] = ENTITY_KINDS,
): { scores: KindScore[]; errors: DetectionError[] } {
  const counts = new Map(kinds.map((k) => [k, { tp: 0, fp: 0, fn: 0 }]));
  const errors: DetectionError[] = [];
  for (const s of gold) {
    const predicted = detect(s.text).filter((e) => counts.has(e.kind));
    const want = new Set(s.entities.filter((e) => counts.has(e.kind)).map(key));
    const got = new Set(predicted.map(key));
    for (const e of predicted) {
      const c = counts.get(e.kind)!;
      if (want.has(key(e))) c.tp++;
      else {
        c.fp++;
        errors.push({ line: s.line, text: s.text, kind: e.kind, span: e.text, error: 'spurious' });
      }
    }
    for (const e of s.entities) {
      if (!counts.has(e.kind) || got.has(key(e))) continue;
      counts.get(e.kind)!.fn++;
      errors.push({ line: s.line, text: s.text, kind: e.kind, span: e.text, error: 'missed' });
    }
  }
  const scores = [...counts].map(([kind, { tp, fp, fn }]) => {
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { kind, tp, fp, fn, precision, recall, f1 };
  });
  return { scores, errors };
}
