// What every feature router and service receives (shared interface 5): built once by startCompanion.
import type pino from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config/schema.js';
import type { PromClient } from './prom/client.js';
import type { Store } from './store/db.js';

export interface AppContext {
  config: Config;
  prom: PromClient;
  store: Store;
  log: pino.Logger;
  /** the companion's /metrics registry, for features that export series */
  registry: Registry;
}
