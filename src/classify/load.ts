/**
 * `--model <spec>` → a Classifier, through the backend registry (./backends/index.ts), and the
 * types and schemas derived from the backends' option declarations: `ClassifierOptions` (the
 * library's options object) and `modelOptionsSchema` (a suite's `modelOptions`).
 */
import { z } from 'zod';
import type { Classifier } from '../types.ts';
import type { BackendOption, ClassifierBackend } from './backend.ts';
import { resolveLabels } from './backends/common.ts';
import { BACKENDS } from './backends/index.ts';

/** Every option of every backend, as declared. */
export type AnyBackendOption = (typeof BACKENDS)[number]['options'][number];

/** The options of all backends: each backend reads the ones it declares. */
export type ClassifierOptions = {
  [O in AnyBackendOption as O['key']]?: z.output<O['schema']>;
};

/** Each declared option once, in registry order (a shared option where it first appears). */
export const BACKEND_OPTIONS: readonly AnyBackendOption[] = [
  ...new Set<AnyBackendOption>(BACKENDS.flatMap((b): readonly AnyBackendOption[] => b.options)),
];

/** A suite's `modelOptions`: the options a suite file may set, validated as the backends declare them. */
export const modelOptionsSchema = z.strictObject(
  Object.fromEntries(
    BACKEND_OPTIONS.filter((o: BackendOption) => o.inSuite !== false).map((o) => [
      o.key,
      o.schema.optional(),
    ]),
  ),
) as z.ZodType<ClassifierOptions>;

export async function loadClassifier(
  spec: string | undefined,
  opts: ClassifierOptions = {},
): Promise<Classifier> {
  // --labels is read and checked whatever the backend, so a bad labels file fails the same way for any model.
  const options = { ...opts, labels: resolveLabels(opts.labels) };
  const model = spec ?? '';
  const backend = (BACKENDS as readonly ClassifierBackend[]).find((b) => b.matches(model))!;
  return backend.create(model, options);
}
