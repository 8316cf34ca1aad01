// Pure root-cause model: candidate series + incident time (+ dependency graph, priors) → ranked causes.
export * from './types.js';
export { rankRootCauses, describe } from './rank.js';
export { zScoreBaseline, iqrBaseline, componentOrder, type BaselineRank } from './baselines.js';
export { guessDirection, deviationKind } from './metric-kind.js';
export { severity } from './series-anomaly.js';
