/**
 * `tailcheck augment`: meaning-checked perturbed copies of a training set, as extra training rows.
 *
 * Each example gets the number of copies `copiesPerExample` allots it (allocate.ts). Its copies come
 * from the (perturbation, severity) pairs of the run, in an order seeded by its text with the families
 * taking turns (`drawCopies`); each is drawn through the perturbation engine (`perturbExamples`, with
 * its re-draws and meaning check) until the example has its copies or every pair has been tried. A
 * draw is written only when it counts as the audit counts a variant — changed, not a duplicate, and at or above its perturbation's meaning threshold
 * (exempt perturbations, typos among them, count as they do in the audit) — and it repeats no other
 * copy of the example. Afterwards, over all rows sorted by a stable key, a copy whose text is a training
 * text or an earlier copy's is dropped: no text enters the training set twice.
 *
 * Every draw depends only on (seed, perturbation, severity, variant index, text) and each example's
 * order and copies only on its content, so the output is the same for the same rows in any order.
 */
import { setField } from '../data/fields.ts';
import { assignBuckets } from '../measure/buckets.ts';
import { initPerturbations, perturbExamples } from '../perturb/engine.ts';
import type { MeaningCheck } from '../perturb/meaning/check.ts';
import type { Protection } from '../perturb/protect/constraints.ts';
import { hasSeverity } from '../perturb/registry.ts';
import type { PerturbationDefinition, Severity, Variant } from '../types.ts';
import { hash32, rngKey } from '../util/rng.ts';
import { type Allocation, type AllocationOptions, allocateClasses, copiesPerExample } from './allocate.ts';

/** The key of the provenance object on every written row. */
export const PROVENANCE_FIELD = 'augment';
/** A field of the input rows that names the row: moved into the provenance, so copies never share it. */
export const SOURCE_ID_FIELD = 'id';
/** Texts per perturbExamples call. */
const CHUNK = 1024;

/** One training row: its text and label, and its other fields (written on every copy). */
export interface TrainingRow {
  text: string;
  label: string;
  fields: Readonly<Record<string, unknown>>;
}

export interface AugmentOptions extends AllocationOptions {
  defs: readonly PerturbationDefinition[];
  severities: readonly Severity[];
  seed: number;
  protect?: readonly Protection[];
  options?: Readonly<Record<string, unknown>>;
  meaning: MeaningCheck | null;
  textField: string;
  labelField: string;
}

/** Why draws were not written (each draw counts once). */
export interface DrawCounts {
  /** no eligible site in the text */
  unchanged: number;
  /** below the meaning threshold after every re-draw */
  rejected: number;
  /** a repeat: of a sibling (after every re-draw), of another copy of the example, or of a training text */
  duplicate: number;
}

export interface ClassSummary {
  label: string;
  bucket: string;
  examples: number;
  planned: number;
  written: number;
}

export interface AugmentSummary {
  rowsIn: number;
  planned: number;
  written: number;
  drawn: DrawCounts;
  allocation: Allocation;
  classes: ClassSummary[];
  buckets: { name: string; classes: number; examples: number; planned: number; written: number }[];
}

export interface AugmentResult {
  /** the rows to write, in their final order */
  rows: Record<string, unknown>[];
  summary: AugmentSummary;
}

/** Code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Pair {
  def: PerturbationDefinition;
  severity: Severity;
}

/** A pair to draw from, and the variant index to draw (one more per round over all the pairs). */
interface Slot {
  pair: Pair;
  round: number;
}

/** One family's slots for an example, in its seeded order, and the next to try. */
interface FamilyQueue {
  slots: Slot[];
  next: number;
}

/**
 * An example's families, in an order seeded by its text, each with its pairs in their own seeded
 * order, repeated for `rounds` rounds (ties, which a 32-bit hash allows, go by name and level).
 */
function familyQueues(pairs: readonly Pair[], rounds: number, text: string, seed: number): FamilyQueue[] {
  const rank = (...parts: (string | number)[]) => hash32(rngKey(seed, 'augment-order', ...parts, text));
  const byFamily = new Map<string, { p: Pair; rank: number }[]>();
  for (const p of pairs) {
    const members = byFamily.get(p.def.family) ?? [];
    byFamily.set(p.def.family, members);
    members.push({ p, rank: rank(p.def.name, p.severity) });
  }
  return [...byFamily.entries()]
    .map(([family, members]) => {
      const ordered = members
        .sort((a, b) => a.rank - b.rank || compare(a.p.def.name, b.p.def.name) || a.p.severity - b.p.severity)
        .map(({ p }) => p);
      const slots = Array.from({ length: rounds }, (_, round) =>
        ordered.map((pair) => ({ pair, round })),
      ).flat();
      return { rank: rank(family), family, queue: { slots, next: 0 } };
    })
    .sort((a, b) => a.rank - b.rank || compare(a.family, b.family))
    .map(({ queue }) => queue);
}

interface ExampleState {
  index: number;
  wanted: number;
  /** families not yet exhausted, taking turns */
  families: FamilyQueue[];
  /** the family whose turn it is */
  turn: number;
  /** its own text and the texts of its copies so far */
  seen: Set<string>;
  copies: Variant[];
}

/**
 * The copies of `texts[i]`, `wanted[i]` at most. Families take turns: a family's turn goes on (its next
 * pair) until it yields a copy or runs out, then passes to the next family — so a family of many members
 * (8 typo kinds) does not crowd out one of few, and one that rarely applies (entities) is not skipped
 * after one miss. Each pair is tried once per round of as many copies as there are pairs.
 */
async function drawCopies(
  texts: readonly string[],
  wanted: readonly number[],
  opts: AugmentOptions,
  drawn: DrawCounts,
): Promise<ExampleState[]> {
  const pairs = opts.defs.flatMap((def) =>
    opts.severities.filter((s) => hasSeverity(def, s)).map((severity) => ({ def, severity })),
  );
  const states: ExampleState[] = texts.map((text, index) => ({
    index,
    wanted: wanted[index]!,
    families:
      wanted[index]! > 0 && pairs.length > 0
        ? familyQueues(pairs, Math.ceil(wanted[index]! / pairs.length), text, opts.seed)
        : [],
    turn: 0,
    seen: new Set([text]),
    copies: [],
  }));
  let active = states.filter((s) => s.families.length > 0);
  await initPerturbations(opts.defs, opts.options);
  while (active.length > 0) {
    // one pass: every active example draws its current slot, grouped by slot
    const groups = new Map<string, { slot: Slot; members: ExampleState[] }>();
    for (const s of active) {
      const family = s.families[s.turn]!;
      const slot = family.slots[family.next]!;
      const key = rngKey(slot.pair.def.name, slot.pair.severity, slot.round);
      const group = groups.get(key) ?? { slot, members: [] };
      groups.set(key, group);
      group.members.push(s);
    }
    for (const { slot, members } of groups.values()) {
      for (let start = 0; start < members.length; start += CHUNK) {
        const chunk = members.slice(start, start + CHUNK);
        // variant index `round`: the engine draws indices 0 … round, distinct from one another
        const variants = await perturbExamples(
          chunk.map((s) => texts[s.index]!),
          [slot.pair.def],
          {
            seed: opts.seed,
            severities: [slot.pair.severity],
            variants: slot.round + 1,
            protect: opts.protect,
            options: opts.options,
            meaning: opts.meaning,
          },
        );
        for (const [j, s] of chunk.entries()) {
          const v = variants[j]![slot.round]!;
          let kept = false;
          if (!v.changed) drawn.unchanged++;
          else if (v.dropped === 'rejected') drawn.rejected++;
          else if (v.dropped === 'duplicate' || s.seen.has(v.text)) drawn.duplicate++;
          else {
            s.seen.add(v.text);
            s.copies.push(v);
            kept = true;
          }
          advance(s, kept);
        }
      }
    }
    active = active.filter((s) => s.copies.length < s.wanted && s.families.length > 0);
  }
  return states;
}

/** After a draw: the family's next slot; the turn passes on after a copy, or when the family runs out. */
function advance(s: ExampleState, kept: boolean): void {
  const family = s.families[s.turn]!;
  family.next++;
  if (family.next >= family.slots.length) {
    s.families.splice(s.turn, 1);
    if (s.turn >= s.families.length) s.turn = 0;
  } else if (kept) {
    s.turn = (s.turn + 1) % s.families.length;
  }
}

/** The row content that names a training row for the allocation: text, label and every other field. */
function rowKey(row: TrainingRow): string {
  return JSON.stringify([row.text, row.label, Object.entries(row.fields)]);
}

/**
 * The augmented rows of `training`, sorted, and what happened. Each row is the training row's fields
 * with the text replaced, and `augment`: { source (the original text), sourceId (the row's `id`, when
 * it had one), perturbation, severity, similarity (when the meaning check scored it) }.
 */
export async function augmentRows(
  training: readonly TrainingRow[],
  opts: AugmentOptions,
): Promise<AugmentResult> {
  const counts: Record<string, number> = {};
  for (const row of training) counts[row.label] = (counts[row.label] ?? 0) + 1;
  const allocation = allocateClasses(counts, opts);
  const wanted = copiesPerExample(
    training.map((row) => ({ label: row.label, key: rowKey(row) })),
    allocation.classes,
    opts.seed,
  );
  const drawn: DrawCounts = { unchanged: 0, rejected: 0, duplicate: 0 };
  const states = await drawCopies(
    training.map((r) => r.text),
    wanted,
    opts,
    drawn,
  );

  const candidates: {
    sortKey: [string, string, number, string];
    text: string;
    row: Record<string, unknown>;
  }[] = [];
  for (const s of states) {
    const source = training[s.index]!;
    const { [SOURCE_ID_FIELD]: sourceId, ...fields } = source.fields;
    for (const [position, variant] of s.copies.entries()) {
      const row: Record<string, unknown> = {};
      setField(row, opts.textField, variant.text);
      setField(row, opts.labelField, source.label);
      // the input's other fields follow ours; ours win on a name clash
      for (const [key, value] of Object.entries(fields)) {
        if (key !== opts.textField && key !== opts.labelField && key !== PROVENANCE_FIELD)
          setField(row, key, value);
      }
      setField(row, PROVENANCE_FIELD, {
        source: source.text,
        ...(sourceId === undefined ? {} : { sourceId }),
        perturbation: variant.perturbation,
        severity: variant.severity,
        ...(variant.similarity === undefined ? {} : { similarity: variant.similarity }),
      });
      candidates.push({
        sortKey: [source.text, source.label, position, JSON.stringify(row)],
        text: variant.text,
        row,
      });
    }
  }
  candidates.sort(
    (a, b) =>
      compare(a.sortKey[0], b.sortKey[0]) ||
      compare(a.sortKey[1], b.sortKey[1]) ||
      a.sortKey[2] - b.sortKey[2] ||
      compare(a.sortKey[3], b.sortKey[3]),
  );
  const taken = new Set(training.map((r) => r.text));
  const rows: Record<string, unknown>[] = [];
  const writtenPerClass = new Map<string, number>();
  for (const c of candidates) {
    if (taken.has(c.text)) {
      drawn.duplicate++;
      continue;
    }
    taken.add(c.text);
    rows.push(c.row);
    const label = c.sortKey[1];
    writtenPerClass.set(label, (writtenPerClass.get(label) ?? 0) + 1);
  }
  return { rows, summary: summarise(training.length, allocation, writtenPerClass, drawn) };
}

function summarise(
  rowsIn: number,
  allocation: Allocation,
  writtenPerClass: ReadonlyMap<string, number>,
  drawn: DrawCounts,
): AugmentSummary {
  const counts = Object.fromEntries(allocation.classes.map((c) => [c.label, c.count]));
  const { classes: info, buckets } = assignBuckets(
    counts,
    allocation.classes.map((c) => c.label),
    'auto',
  );
  const bucketOf = new Map(info.map((c) => [c.label, c.bucket]));
  const classes = allocation.classes.map(
    (c): ClassSummary => ({
      label: c.label,
      bucket: bucketOf.get(c.label)!,
      examples: c.count,
      planned: c.copies,
      written: writtenPerClass.get(c.label) ?? 0,
    }),
  );
  const sum = (cs: readonly ClassSummary[], key: 'examples' | 'planned' | 'written') =>
    cs.reduce((s, c) => s + c[key], 0);
  return {
    rowsIn,
    planned: sum(classes, 'planned'),
    written: sum(classes, 'written'),
    drawn,
    allocation,
    classes,
    buckets: buckets.map((b) => {
      const members = classes.filter((c) => c.bucket === b.name);
      return {
        name: b.name,
        classes: members.length,
        examples: sum(members, 'examples'),
        planned: sum(members, 'planned'),
        written: sum(members, 'written'),
      };
    }),
  };
}

const pct = (part: number, whole: number) => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`);

/** The summary `tailcheck augment` prints to stderr. */
export function summaryLines(summary: AugmentSummary, seconds: number, policy: string): string[] {
  const { drawn, allocation } = summary;
  const lines = [
    `${summary.rowsIn} rows in, ${summary.classes.length} classes; ${summary.written} copies written of ${summary.planned} planned (--per-class ${policy}) in ${seconds.toFixed(1)} s`,
    `not written: ${drawn.rejected} rejected by the meaning check, ${drawn.duplicate} duplicates, ${drawn.unchanged} unchanged (no eligible site)`,
  ];
  for (const b of summary.buckets) {
    lines.push(
      `  ${b.name}: ${b.classes} classes, ${b.examples} rows, ${b.written}/${b.planned} copies (${(b.written / Math.max(1, b.examples)).toFixed(2)} per row, ${pct(b.written, b.planned)} of plan)`,
    );
  }
  if (allocation.meanBreakRate !== undefined) {
    const unmeasured = allocation.classes.filter((c) => c.source === 'unmeasured').length;
    const floored = allocation.classes.filter((c) => c.source === 'floor').length;
    lines.push(
      allocation.fellBackToUniform
        ? 'fragility: no class broke in the report, so every class gets the same share (uniform)'
        : `fragility: mean measured break rate ${allocation.meanBreakRate.toFixed(3)}; ${floored} classes raised to the floor, ${unmeasured} not measured by the report (given the mean)`,
    );
  }
  return lines;
}
