/**
 * The suite's checks that need the model or the perturbation registry: once the model session is
 * open (its labels known) and before the first test runs, every perturbation name, severity, label,
 * class, bucket and model option the suite names is checked. All problems are collected and thrown
 * together as one SuiteError (exit 2) with file and line, so a typo in the last test costs no test
 * run and is reported with the others. (What needs neither is checked when the file is loaded.)
 */
import type { BackendOption, ClassifierBackend } from '../classify/backend.ts';
import { BACKENDS } from '../classify/backends/index.ts';
import { UsageError } from '../errors.ts';
import { loadRegistry, type PerturbationRegistry } from '../perturb/registry.ts';
import { PERTURBATION_TAGS, type PerturbationDefinition } from '../types.ts';
import { compareStrings } from '../util/strings.ts';
import { resolveModelSpec, type SuiteContext, suitePerturbationOptions } from './context.ts';
import { formatProblem, SuiteError, type SuiteProblem, type YamlPath } from './load.ts';
import type { PreflightTools } from './tests/checks.ts';
import { transformName } from './tests/directional.ts';
import { testPreflight } from './tests/index.ts';
import { closestLabels } from './tests/inputs.ts';

/** Every problem of the suite against its open model, each with its line (empty when none). */
export async function preflightProblems(ctx: SuiteContext): Promise<SuiteProblem[]> {
  const registry = await loadRegistry();
  const perturbationOptions = suitePerturbationOptions(ctx.suite, ctx.loaded.dir) ?? {};
  const tools: PreflightTools = {
    perturbations: (spec, path) => resolvePerturbations(registry, spec, path, perturbationOptions),
    registry,
    transform: (name, path) => resolveTransform(registry, name, path),
  };
  const problems = [...modelOptionProblems(ctx)];
  for (const [index, test] of ctx.suite.tests.entries()) {
    problems.push(...(await testPreflight(ctx, test, index, tools)));
  }
  // A suite-level entry (perturbations, thresholds) is checked with every test that uses it: say it once.
  const seen = new Set<string>();
  return problems
    .map((p) => ({ ...p, line: p.line ?? ctx.loaded.locate(p.path) }))
    .filter((p) => {
      const key = formatProblem('', p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
}

/** Runs the pre-flight checks and throws them all as one SuiteError (exit 2) when there are any. */
export async function preflight(ctx: SuiteContext): Promise<void> {
  const problems = await preflightProblems(ctx);
  if (problems.length > 0) throw new SuiteError(ctx.loaded.displayName, problems);
}

/**
 * A perturbation spec (`typo`, `typo.keyboard, synonym`, or a list of those), each name resolved on
 * its own so that every unknown one is reported, at the list entry that holds it.
 */
function resolvePerturbations(
  registry: PerturbationRegistry,
  spec: string | readonly string[],
  path: YamlPath,
  options: Record<string, unknown>,
): { defs: PerturbationDefinition[] | undefined; problems: SuiteProblem[] } {
  const entries =
    typeof spec === 'string' ? [{ text: spec, path }] : spec.map((text, j) => ({ text, path: [...path, j] }));
  const problems: SuiteProblem[] = [];
  for (const entry of entries) {
    for (const name of entry.text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')) {
      try {
        registry.resolve(name, { options });
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        problems.push({ path: entry.path, message: perturbationMessage(registry, name, err.message) });
      }
    }
  }
  if (problems.length > 0) return { defs: undefined, problems };
  try {
    return { defs: registry.resolve(typeof spec === 'string' ? spec : [...spec], { options }), problems };
  } catch (err) {
    // An empty spec (`", "`): the registry's own message.
    if (!(err instanceof UsageError)) throw err;
    return { defs: undefined, problems: [{ path, message: err.message }] };
  }
}

/** A directional test's `transform`: a directional transform of the registry, by full or short name. */
function resolveTransform(
  registry: PerturbationRegistry,
  name: string,
  path: YamlPath,
): { def: PerturbationDefinition | undefined; problems: SuiteProblem[] } {
  const def = registry.get(transformName(name));
  if (def?.directional) return { def, problems: [] };
  const transforms = registry.list().filter((d) => d.directional);
  const valid = transforms.flatMap((d) => [d.name.slice(d.family.length + 1), d.name]);
  const close = closestLabels(name, valid);
  const hint = def
    ? `${def.name} is an invariance perturbation (use it in an invariance test)`
    : `unknown transform "${name}"${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}`;
  return { def: undefined, problems: [{ path, message: `${hint}; transforms: ${valid.join(', ')}` }] };
}

/** An unknown name gets a did-you-mean instead of the registry's list of every valid name. */
function perturbationMessage(registry: PerturbationRegistry, name: string, message: string): string {
  if (!message.startsWith('unknown perturbation')) return message;
  const defs = registry.list();
  const valid = [
    'all',
    ...PERTURBATION_TAGS,
    ...new Set(defs.map((d) => d.family)),
    ...defs.map((d) => d.name),
  ];
  const close = closestLabels(name, valid);
  return `unknown perturbation "${name}"${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}; \`tailcheck perturbations\` lists them`;
}

/**
 * A `modelOptions` key the suite's model backend does not read would be ignored without a word (an
 * `httpMap` on a module model): a problem. Only for the suite's own model: a `--model` given on the
 * command line replaces the model the options were written for.
 */
function modelOptionProblems(ctx: SuiteContext): SuiteProblem[] {
  const { suite, loaded, options } = ctx;
  if (suite.modelOptions === undefined || options.model !== undefined) return [];
  const spec = resolveModelSpec(suite.model, loaded.dir) ?? '';
  const backend = (BACKENDS as readonly ClassifierBackend[]).find((b) => b.matches(spec));
  if (backend === undefined) return [];
  const read = new Set(backend.options.map((o: BackendOption) => o.key));
  const settable = [...read].filter((key) =>
    backend.options.some((o: BackendOption) => o.key === key && o.inSuite !== false),
  );
  return Object.keys(suite.modelOptions)
    .filter((key) => !read.has(key))
    .sort(compareStrings)
    .map((key) => ({
      path: ['modelOptions', key],
      message: `the ${backend.name} backend (model ${suite.model ?? 'bundled'}) does not read ${key}; it reads ${settable.join(', ')}`,
    }));
}
