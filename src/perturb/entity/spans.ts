/**
 * The entity kinds the `entity` family detects and replaces, and the span it finds. Detection lives in
 * detect.ts; each perturbation (perturbations/entity/<kind>.ts) replaces the spans of its kind.
 */
import type { Span } from '../../types.ts';

export type EntityKind = 'person' | 'location' | 'organization' | 'number' | 'amount' | 'date';
export const ENTITY_KINDS: readonly EntityKind[] = [
  'person',
  'location',
  'organization',
  'number',
  'amount',
  'date',
];

/** One detected entity: where it is, what kind, and its text. */
export interface EntitySpan extends Span {
  kind: EntityKind;
  text: string;
}
