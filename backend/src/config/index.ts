export { loadConfig, applyEnv } from './load.js';
export { ConfigError } from './errors.js';
export { configSchema, DEMO_API_TOKEN, type Config, type RawConfig } from './schema.js';
