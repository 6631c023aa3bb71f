/** Data loading: examples, training-label counts, class counts and label maps. */
export {
  applyLabelMap,
  checkLabels,
  countLabels,
  type DataFormat,
  detectFormat,
  type LabelMap,
  type RawRecord,
  type ReadExamplesOptions,
  readClassCounts,
  readExamples,
  readLabelMap,
  readRecords,
  type SkipReason,
  validateLabelMap,
} from './load.ts';
