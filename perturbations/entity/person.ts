/**
 * entity.person — replace people's names (CheckList's INV "change names"): a first name by a first name
 * of the same gender when the lexicons know it (of any gender from `person.unisex` when they do not, so
 * a "she" later in the text still fits), a full name by a full name, a surname after a title by a surname
 * ("Mr Okonkwo" → "Mr Kowalski"). A full name written family name first ("Nguyen Van An") becomes a
 * whole full name, its gender read from the given name. A person a question asks about ("Who was Frida
 * Kahlo married to?", "Which philosopher taught Alexander the Great?") keeps the name. The lists mix cultures, so a name from one culture often becomes a name
 * from another. A person named twice is one entity: "Kenji Sato … Kenji" → "Lucas Haddad … Lucas".
 * Detection: src/perturb/entity/names.ts; lists: src/perturb/entity/names-lexicon.ts.
 */
import { ENTITY_SEVERITIES, entityEdits } from '../../src/perturb/entity/choose.ts';
import {
  asksAbout,
  familyFirstGender,
  familyNameFirst,
  genderInContext,
  genderOf,
  pickOther,
  replacementPool,
  styleLike,
} from '../../src/perturb/entity/name-replace.ts';
import { findNameSpans, loadNameGazetteers, type NameSpan } from '../../src/perturb/entity/names.ts';
import { describeEntries } from '../../src/perturb/entity/names-lexicon.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../../src/types.ts';

const words = (s: string): string[] => s.split(/\s+/);

/** Which mentions are one person: a lone name that is the first or last word of a full name joins it. */
function personKey(spans: readonly NameSpan[]): (s: NameSpan) => string {
  const fulls = spans.filter((s) => s.text.includes(' '));
  return (s) => {
    const lower = s.text.toLowerCase();
    if (fulls.length === 0 || lower.includes(' ')) return lower;
    const full = fulls.find((f) => {
      const w = words(f.text.toLowerCase());
      return w[0] === lower || w[w.length - 1] === lower;
    });
    return full ? full.text.toLowerCase() : lower;
  };
}

const person: PerturbationDefinition = {
  name: 'entity.person',
  family: 'entity',
  tag: 'natural',
  description:
    'Replace people’s names (CheckList’s "change names"): a first name by one of the same gender (unknown ' +
    'gender: a name used for any), a full name by a full name, a surname after Mr/Ms/Dr by a surname, ' +
    'from lists that mix cultures; every mention of a person gets the same new name, in the text’s case; ' +
    'lists replaceable with --lexicon (person.female, .male, .unisex, .surname).',
  severities: ENTITY_SEVERITIES,
  // Measured: correct swaps score 0.47–1 on the sentences written for the gold set (1 % 0.53,
  // median 0.80; data/bank-queries.jsonl names no person), bench/entity-meaning.ts: the encoder reads
  // names as content, so only a much lower score means the variant says something else.
  meaning: { threshold: 0.4 },
  lexicons: describeEntries(['person.female', 'person.male', 'person.unisex', 'person.surname']),
  init: loadNameGazetteers,
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const spans = findNameSpans(text).filter((s) => s.kind === 'person');
    if (spans.length === 0) return [];
    const { rng, options } = ctx;
    const taken = new Set<string>();
    return entityEdits(
      spans,
      ctx,
      (entity, mentions) => {
        // "Who was Frida Kahlo married to?": the question is about that person
        if (mentions.some((m) => asksAbout(text, m.start, m.end))) return null;
        const full = mentions.find((m) => m.text.includes(' '));
        const surnames = replacementPool(options, 'person.surname');
        if (full) {
          const parts = words(full.text);
          // "Nguyen Van An": family name first, given name last; the new name is a whole full name
          const familyFirst = familyNameFirst(parts);
          const [given, family] = familyFirst
            ? [parts[parts.length - 1]!, parts[0]!]
            : [parts[0]!, parts[parts.length - 1]!];
          const gender =
            (familyFirst ? familyFirstGender(parts, options) : genderOf(given, options)) ??
            genderInContext(text, full.start) ??
            'unisex';
          const first = pickOther(rng, replacementPool(options, `person.${gender}`), given, text, taken);
          const last = pickOther(rng, surnames, family, text, taken);
          if (first === null || last === null) return null;
          const [oldFirst, oldLast] = [given.toLowerCase(), family.toLowerCase()];
          return (m) => {
            const lower = m.text.toLowerCase();
            const name = lower.includes(' ')
              ? `${first} ${last}`
              : lower === oldFirst
                ? first
                : oldLast === lower
                  ? last
                  : first;
            return styleLike(text, m.text, name);
          };
        }
        const surnameOnly = mentions.some((m) => m.titled) || entity.sub === 'surname';
        const pool = surnameOnly
          ? surnames
          : replacementPool(
              options,
              `person.${genderOf(entity.text, options) ?? mentions.map((m) => genderInContext(text, m.start)).find(Boolean) ?? 'unisex'}`,
            );
        const name = pickOther(rng, pool, entity.text, text, taken);
        if (name === null) return null;
        return (m) => styleLike(text, m.text, name);
      },
      personKey(spans),
    );
  },
};

export default person;
