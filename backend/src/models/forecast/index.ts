export * from './ets.js';
export * from './forecast.js';
export * from './seasons.js';
export * from './ensemble.js';
export * from './series.js';
