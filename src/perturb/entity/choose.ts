/**
 * How every `entity` perturbation turns detected spans into edits: the spans of its kind that no
 * protection forbids, grouped by their text (a name said twice is one entity, replaced the same way
 * both times; an entity with one protected mention is left whole), then one entity at severity 1, half
 * of them (rounded up) at 2, all at 3. A text with a single entity changes it at every level: the
 * levels count entities, and there is only one.
 */
import type { EditProposal, PerturbationContext, Severity } from '../../types.ts';
import type { EntitySpan } from './spans.ts';

export const ENTITY_SEVERITIES = {
  1: 'one entity (every mention of it)',
  2: 'half of the entities, rounded up (a text with one changes it)',
  3: 'every entity',
} as const;

/** How many of `n` distinct entities a level replaces. */
export function entitiesAt(severity: Severity, n: number): number {
  if (n === 0) return 0;
  return severity === 1 ? 1 : severity === 2 ? Math.ceil(n / 2) : n;
}

/** The key mentions of one entity share: case-insensitive text. */
const entityKey = (s: EntitySpan): string => s.text.toLowerCase();

/**
 * Edits replacing the chosen entities among `spans`. `replace` gives a replacement for one entity
 * (called once per entity; the same text is used for all its mentions, re-cased per mention by the
 * caller's function) or null when it has none; such an entity is skipped, not counted. `keyOf` says
 * which mentions are one entity (default: the same text, case aside); a caller that knows more passes
 * its own ("Kenji" after "Kenji Sato" is the same person).
 */
export function entityEdits<S extends EntitySpan>(
  spans: readonly S[],
  ctx: PerturbationContext,
  replace: (entity: S, mentions: readonly S[]) => ((mention: S) => string) | null,
  keyOf: (s: S) => string = entityKey,
): EditProposal[] {
  const groups = new Map<string, S[]>();
  for (const s of spans) {
    const key = keyOf(s);
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  // an entity with a protected mention stays whole: replacing only its other mentions would split it
  const free = [...groups.values()].filter((g) => g.every((s) => ctx.isFree(s.start, s.end)));
  const entities = ctx.rng.shuffle(free);
  const want = entitiesAt(ctx.severity, entities.length);
  const edits: EditProposal[] = [];
  let done = 0;
  for (const mentions of entities) {
    if (done >= want) break;
    const render = replace(mentions[0]!, mentions);
    if (render === null) continue;
    for (const m of mentions) edits.push({ start: m.start, end: m.end, replacement: render(m) });
    done++;
  }
  return edits.sort((a, b) => a.start - b.start);
}
