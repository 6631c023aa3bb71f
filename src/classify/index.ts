/** Model backends behind the `Classifier` contract, and the caching prediction runner. */
export { DEFAULT_CACHE_DIR } from '../defaults.ts';
export { createCommandClassifier, parseCommand } from './command.ts';
export {
  createHttpClassifier,
  type HttpClassifierOptions,
  type HttpMapping,
  parseRetryAfter,
} from './http.ts';
export { type ClassifierOptions, loadClassifier, resolveLabels } from './load.ts';
export { createModuleClassifier } from './module.ts';
export {
  cacheFileFor,
  createPredictionRunner,
  type PredictionRunner,
  type PredictionRunnerOptions,
  type RunnerStats,
} from './runner.ts';
export { createTransformersClassifier, type TransformersDtype } from './transformers.ts';
