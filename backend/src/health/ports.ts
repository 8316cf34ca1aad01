// The slices of the shared Prometheus client and store (shared interfaces 3 and 4) that health and RCA
// use: narrow, so any implementation of these methods (the real PromClient, a Mimir/Thanos reader) fits.
import type { PromClient } from '../prom/client.js';
import type { Store } from '../store/db.js';

export type { Labels, InstantSample, RangeSeries } from '../prom/client.js';
export type PromReader = Pick<PromClient, 'query' | 'queryRange'>;
export type StoreLike = Pick<Store, 'db' | 'migrate'>;
