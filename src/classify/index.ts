/** Model backends behind the `Classifier` contract, and the caching prediction runner. */
export { DEFAULT_CACHE_DIR } from '../defaults.ts';
export { type BackendOption, type ClassifierBackend, defineBackend, defineOption } from './backend.ts';
export { createCommandClassifier, parseCommand } from './backends/command.ts';
export { resolveLabels } from './backends/common.ts';
export { createHttpClassifier, type HttpClassifierOptions, type HttpMapping } from './backends/http.ts';
export { BACKENDS } from './backends/index.ts';
export { createModuleClassifier } from './backends/module.ts';
export { createTransformersClassifier, type TransformersDtype } from './backends/transformers.ts';
export {
  type CacheFileInfo,
  type CacheUse,
  cacheFileInfo,
  listCacheFiles,
  type PruneOptions,
  pruneCache,
} from './cache-store.ts';
export { parseRetryAfter, requestWithRetries } from './http-client.ts';
export { type ClassifierOptions, loadClassifier, modelOptionsSchema } from './load.ts';
export {
  cacheFileFor,
  createPredictionRunner,
  type PredictionRunner,
  type PredictionRunnerOptions,
  type RunnerStats,
} from './runner.ts';
