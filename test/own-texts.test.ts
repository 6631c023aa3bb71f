/**
 * The project's own evaluation texts (test/fixtures/own-texts, see its README), read through the same
 * loader as `tailcheck audit --data`: sizes, unique ids and texts, and the label sets with their minimums.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExamples } from '../src/data/load.ts';
import { PACKAGE_ROOT } from '../src/paths.ts';
import type { Example } from '../src/types.ts';

const DIR = join(PACKAGE_ROOT, 'test/fixtures/own-texts');
const MIN_EXAMPLES = 220;

interface OwnTextFile {
  name: string;
  /** the label set: every label used is one of these, and each of these is used */
  labels: readonly string[];
  minPerLabel: number;
}

const FILES: readonly OwnTextFile[] = [
  {
    name: 'questions',
    labels: ['description', 'entity', 'human', 'location', 'numeric', 'abbreviation'],
    minPerLabel: 20,
  },
  {
    name: 'banking',
    // intents named for this set (README in the fixture folder)
    labels: [
      'account_frozen',
      'card_arrival',
      'card_declined',
      'cash_withdrawal_wrong',
      'change_pin',
      'close_account',
      'contactless_not_working',
      'direct_debit_cancel',
      'double_charge',
      'exchange_rate',
      'fee_query',
      'lost_card',
      'open_account',
      'pending_transaction',
      'refund_missing',
      'statement_request',
      'top_up',
      'transfer_failed',
      'unknown_payment',
      'update_details',
      'virtual_card',
    ],
    minPerLabel: 6,
  },
  {
    name: 'feelings',
    labels: ['joy', 'sadness', 'anger', 'fear', 'love', 'surprise'],
    minPerLabel: 25,
  },
];

async function load(name: string): Promise<Example[]> {
  const out: Example[] = [];
  for await (const example of readExamples(join(DIR, `${name}.jsonl`))) out.push(example);
  return out;
}

/** Case, spacing and punctuation do not make two texts different. */
function comparable(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

describe.each(FILES)('own texts: $name.jsonl', ({ name, labels, minPerLabel }) => {
  it(`holds at least ${MIN_EXAMPLES} examples with ids <file>-<n>, all distinct`, async () => {
    const examples = await load(name);
    expect(examples.length).toBeGreaterThanOrEqual(MIN_EXAMPLES);
    const ids = examples.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(new RegExp(`^${name}-[1-9][0-9]*$`));
  });

  it('has no duplicate texts, even ignoring case, spacing and punctuation', async () => {
    const firstId = new Map<string, string>();
    const duplicates: string[] = [];
    for (const { id, text } of await load(name)) {
      const key = comparable(text);
      const seen = firstId.get(key);
      if (seen !== undefined) duplicates.push(`${seen} / ${id}: ${text}`);
      else firstId.set(key, id);
    }
    expect(duplicates).toEqual([]);
  });

  it(`uses only its labels, each on at least ${minPerLabel} examples`, async () => {
    const counts = new Map<string, number>();
    for (const { label } of await load(name)) counts.set(label!, (counts.get(label!) ?? 0) + 1);
    expect([...counts.keys()].filter((l) => !labels.includes(l))).toEqual([]);
    const tooFew = labels.filter((l) => (counts.get(l) ?? 0) < minPerLabel);
    expect(tooFew).toEqual([]);
  });
});

describe('own texts: questions.jsonl', () => {
  it('has questions of 4 to 25 words', async () => {
    const outOfRange = (await load('questions')).filter((e) => {
      const words = e.text.trim().split(/\s+/).length;
      return words < 4 || words > 25;
    });
    expect(outOfRange.map((e) => e.text)).toEqual([]);
  });
});
