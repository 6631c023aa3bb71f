/**
 * What the test types' pre-flight checks share (../preflight.ts runs them once the model session is
 * open, before the first test): the registry's perturbations of a spec, and the severity plan.
 */
import { UsageError } from '../../errors.ts';
import { type PerturbationRegistry, planSeverities } from '../../perturb/registry.ts';
import type { PerturbationDefinition, Severity } from '../../types.ts';
import type { SuiteProblem, YamlPath } from '../load.ts';

/** What a test type's pre-flight check is given besides the context. */
export interface PreflightTools {
  /** the perturbations a spec names; problems at the spec's path, defs undefined when any part is unknown */
  perturbations(
    spec: string | readonly string[],
    path: YamlPath,
  ): { defs: PerturbationDefinition[] | undefined; problems: SuiteProblem[] };
  /** the registry the names resolve in (for what a spec cannot say, e.g. the fairness slices declared) */
  registry: PerturbationRegistry;
  /** the directional transform a name gives (`negate` or `directional.negate`), or a problem at `path` */
  transform(
    name: string,
    path: YamlPath,
  ): { def: PerturbationDefinition | undefined; problems: SuiteProblem[] };
}

/**
 * The levels a test asks of its perturbations: a level none of them declares is a problem (the
 * registry's message, which names their levels), at `path`.
 */
export function severityProblems(
  defs: readonly PerturbationDefinition[] | undefined,
  severities: readonly Severity[] | 'all',
  path: YamlPath,
): SuiteProblem[] {
  if (defs === undefined) return [];
  try {
    planSeverities(defs, severities);
    return [];
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return [{ path, message: err.message }];
  }
}
