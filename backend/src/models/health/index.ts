// Pure health model: indicators per category → component score/grade/trend/recommendations → system score.
export * from './types.js';
export { scoreIndicator, burnScore } from './indicator-score.js';
export { scoreComponent, scoreSystem, trend, grade, type ComponentInput, type ScoreOptions } from './score.js';
