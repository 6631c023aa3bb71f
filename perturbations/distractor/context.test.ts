/**
 * distractor.context: content is only ever added, at the ends, in the text's style; and every bundled
 * item follows the lexicon's rules (src/perturb/distractor/lexicon.ts), so no addition can carry a label.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DISTRACTOR_LEXICON, type DistractorEntry } from '../../src/perturb/distractor/lexicon.ts';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import { LEXICON_OPTION } from '../../src/perturb/lexicon.ts';
import { isQuestion, isRequest } from '../../src/perturb/paraphrase.ts';
import {
  countNegations,
  findAmounts,
  findEmails,
  findHashtags,
  findMentions,
  findNegations,
  findUrls,
} from '../../src/perturb/protect/patterns.ts';
import type { Severity, Variant } from '../../src/types.ts';
import context from './context.ts';

const OWN = ['questions', 'banking', 'feelings'].flatMap((file) =>
  readFileSync(new URL(`../../test/fixtures/own-texts/${file}.jsonl`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(0, 60)
    .map((line) => (JSON.parse(line) as { text: string }).text),
);

const at = (text: string, severity: Severity, variant = 0, options: Record<string, unknown> = {}): Variant =>
  perturbTextSync(text, context, { seed: 5, severity, variant, options });

/** Every variant of the fixture texts at `severity`, variants 0–5. */
function variantsAt(severity: Severity, options: Record<string, unknown> = {}) {
  return OWN.flatMap((text) => [0, 1, 2, 3, 4, 5].map((k) => ({ text, v: at(text, severity, k, options) })));
}

/** Where an edit sits: before the text or after it. */
function placeOf(text: string, v: Variant, i: number): 'before' | 'after' {
  const [from, to] = v.edits[i]!.from;
  expect(from).toBe(to); // an insertion
  if (from === 0) return 'before';
  expect(from).toBe(text.length);
  return 'after';
}

const ITEMS = Object.entries(DISTRACTOR_LEXICON) as [DistractorEntry, readonly string[]][];
/** An inserted piece, reduced to compare with lexicon items: case, brackets, separators and end stop gone. */
const core = (s: string) =>
  s
    .trim()
    .replace(/^- (?=\S)/, '')
    .replace(/^\((.*)\)$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
function entryOf(piece: string): DistractorEntry | undefined {
  const c = core(piece);
  return ITEMS.find(([, items]) => items.some((item) => core(item) === c))?.[0];
}

describe('distractor.context placement', () => {
  it('only inserts at the ends: the original is kept verbatim, with one addition per end used', () => {
    for (const severity of [1, 2, 3] as Severity[]) {
      for (const { text, v } of variantsAt(severity)) {
        expect(v.changed).toBe(true);
        expect(v.edits).toHaveLength(severity === 3 ? 2 : 1);
        const places = v.edits.map((_, i) => placeOf(text, v, i));
        if (severity === 3) expect(places).toEqual(['before', 'after']);
        const prefix = places[0] === 'before' ? v.edits[0]!.after : '';
        expect(v.text.slice(prefix.length, prefix.length + text.length)).toBe(text);
        expect(v.text).toBe(`${prefix}${text}${v.text.slice(prefix.length + text.length)}`);
        // no line breaks, and the addition brings no negation with it
        expect(v.text.split('\n').length).toBe(text.split('\n').length);
        expect(countNegations(v.text)).toBe(countNegations(text));
      }
    }
  });

  it('severity 1 adds one short item, 2 one sentence, 3 a sentence at one end and a short item at the other', () => {
    const seen = new Set<string>();
    for (const severity of [1, 2, 3] as Severity[]) {
      for (const { text, v } of variantsAt(severity)) {
        const kinds = v.edits.map((e, i) => {
          const entry = entryOf(e.after);
          expect(entry, JSON.stringify(e.after)).toBeDefined();
          seen.add(`${severity} ${entry} ${placeOf(text, v, i)}`);
          return entry!;
        });
        const sentences = kinds.filter((k) => k === 'distractor.sentence').length;
        expect(sentences).toBe(severity === 1 ? 0 : 1);
        if (severity === 3) expect(kinds.length - sentences).toBe(1);
      }
    }
    // every kind lands at every end it may take, and a sign-off never opens a text
    for (const place of ['before', 'after']) {
      for (const entry of ['distractor.url', 'distractor.handle'])
        expect(seen).toContain(`1 ${entry} ${place}`);
      expect(seen).toContain(`2 distractor.sentence ${place}`);
      expect(seen).toContain(`3 distractor.sentence ${place}`);
    }
    expect(seen).toContain('1 distractor.signature after');
    expect([...seen].some((s) => s.includes('signature before'))).toBe(false);
  });

  it('takes the text’s style; after an unterminated text a sentence goes in brackets', () => {
    const addition = (text: string, severity: Severity, want: (after: string, i: number) => boolean) => {
      for (let k = 0; k < 30; k++) {
        const v = at(text, severity, k);
        const hit = v.edits.find((e, i) => want(e.after, i));
        if (hit) return hit.after;
      }
      throw new Error(`no such addition for ${text}`);
    };
    // lowercase chat, unterminated: "(replying from the train)"
    const lower = 'my transfer is stuck since monday';
    expect(addition(lower, 2, (a) => a.startsWith(' '))).toMatch(/^ \((?:i |[a-z])[^A-Z.]*\)$/);
    expect(addition(lower, 2, (a) => !a.startsWith(' '))).toMatch(/^[^A-Z]+\. $/);
    // sentence case, terminated: the sentence as written, after a space
    const plain = 'My transfer is stuck.';
    expect(addition(plain, 2, (a) => a.startsWith(' '))).toMatch(/^ [A-Z][^()]*\.$/);
    // shouting gets capitals, but a handle or URL keeps its own case
    const loud = 'MY TRANSFER IS STUCK!!';
    expect(addition(loud, 2, () => true)).toBe(addition(loud, 2, () => true).toUpperCase());
    expect(addition(loud, 1, (a) => /@/.test(a))).toMatch(/@[a-z0-9_]+/);
    // a sign-off after an unterminated text gets a dash unless it brings its own
    const signoff = addition(lower, 1, (a) => entryOf(a) === 'distractor.signature');
    expect(signoff).toMatch(/^ (?:- |– |— |\(|\[)/);
  });

  it('leaves texts with no Latin script, and empty ones, alone', () => {
    for (const text of ['', '   ', '12345', 'カードをなくしました', 'Где моя карта?']) {
      for (const severity of [1, 2, 3] as Severity[]) expect(at(text, severity).changed).toBe(false);
    }
  });

  it('is deterministic, and its variants differ', () => {
    const text = 'How do I freeze my card?';
    expect(at(text, 2, 1)).toEqual(at(text, 2, 1));
    const texts = new Set([0, 1, 2, 3, 4, 5].map((k) => at(text, 2, k).text));
    expect(texts.size).toBeGreaterThan(3);
  });

  it('reads a user lexicon in place of the bundled list it names, and only that one', () => {
    const options = {
      [LEXICON_OPTION]: { 'distractor.handle': ['@only_me'], 'distractor.sentence': ['Zebras are striped.'] },
    };
    const handles = new Set<string>();
    for (const { v } of variantsAt(1, options)) {
      for (const e of v.edits) if (e.after.includes('@')) handles.add(e.after.trim());
    }
    expect([...handles]).toEqual(['@only_me']);
    for (const { v } of variantsAt(2, options)) expect(core(v.edits[0]!.after)).toBe('zebras are striped');
    // the URL and signature lists stay bundled
    const urls = variantsAt(1, options).flatMap(({ v }) => v.edits.map((e) => e.after.trim()));
    expect(urls.some((u) => DISTRACTOR_LEXICON['distractor.url'].includes(u))).toBe(true);
  });
});

/** Words no bundled item may hold: feelings and tone, banking topics, requests and needs. */
const LABEL_WORDS = new RegExp(
  `\\b(?:${[
    'happy|sad|sorry|glad|love|loved|hate|angry|upset|worried|afraid|scared|fear|joy|great|awful|terrible',
    'amazing|wonderful|nice|lovely|thanks|thank|hope|miss|excited|annoyed|frustrated|calm|lonely|bad|good',
    'best|kind|regards|cheers|unfortunately|luckily|finally|sorry|visiting|noisy',
    'bank|banking|card|account|payment|pay|paid|money|cash|transfer|fee|charge|charged|refund|pin|balance',
    'loan|app|phone|mobile|atm|deposit|withdraw|exchange|currency|rate|verify|identity|password|passcode',
    'statement|transaction|wallet|abroad|country|travel|holiday|euro|dollar|pound|support|help|helpdesk',
    'issue|problem|need|want|wrong|fail|failed|error|declined|stolen|lost|please|can|could|would|should',
  ].join('|')})\\b`,
  'i',
);

describe('bundled distractor lexicon', () => {
  it('holds 40–80 distinct items across the four entries', () => {
    const all = ITEMS.flatMap(([, items]) => items);
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(all.length).toBeLessThanOrEqual(80);
    expect(new Set(all).size).toBe(all.length);
    for (const [, items] of ITEMS) expect(items.length).toBeGreaterThanOrEqual(10);
  });

  it.each(ITEMS)(
    '%s: no negation, amount, e-mail, hashtag, question, label word or line break',
    (_entry, items) => {
      for (const item of items) {
        expect(findNegations(item), item).toEqual([]);
        expect(findAmounts(item), item).toEqual([]);
        expect(findEmails(item), item).toEqual([]);
        expect(findHashtags(item), item).toEqual([]);
        expect(item, item).not.toMatch(/[?\n\r]/);
        expect(item, item).not.toMatch(LABEL_WORDS);
        expect(item.trim(), item).toBe(item);
      }
    },
  );

  it('URLs and handles are one URL or mention span each, as the protection sees them', () => {
    for (const url of DISTRACTOR_LEXICON['distractor.url'])
      expect(findUrls(url)).toEqual([{ start: 0, end: url.length }]);
    for (const handle of DISTRACTOR_LEXICON['distractor.handle']) {
      expect(findMentions(handle)).toEqual([{ start: 0, end: handle.length }]);
    }
  });

  it('sentences are 4–9 word statements, and neither they nor sign-offs ask for anything', () => {
    for (const sentence of DISTRACTOR_LEXICON['distractor.sentence']) {
      expect(sentence).toMatch(/^[A-Z][^.!]*\.$/);
      expect(sentence.split(' ').length, sentence).toBeGreaterThanOrEqual(4);
      expect(sentence.split(' ').length, sentence).toBeLessThanOrEqual(9);
      expect(isQuestion(sentence), sentence).toBe(false);
    }
    for (const item of [
      ...DISTRACTOR_LEXICON['distractor.sentence'],
      ...DISTRACTOR_LEXICON['distractor.signature'],
    ]) {
      expect(isRequest(item), item).toBe(false);
      expect(findUrls(item), item).toEqual([]);
      expect(findMentions(item), item).toEqual([]);
    }
  });
});
