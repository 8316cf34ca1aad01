export * from './detector.js';
export * from './group.js';
