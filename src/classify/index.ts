/** The log classifier's public surface. */
export { classifyLog, type Classification, type Ecosystem } from './classify-log.ts';
export { isProbablyBinary } from './is-probably-binary.ts';
export { candidateChecks, otherCause } from './other-cause.ts';
export { normalizeLine } from './normalize-log.ts';
