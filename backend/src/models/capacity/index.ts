export * from './capacity.js';
export * from './rules.js';
