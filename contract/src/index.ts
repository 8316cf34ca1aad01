// @foresight/contract: the datasource API shared by the companion (backend/) and the Grafana plugin (src/).
export * from './frame.js';
export * from './query.js';
export * from './response.js';
export * from './domain.js';
export * from './frames.js';
