export * from './ets.js';
export * from './forecast.js';
