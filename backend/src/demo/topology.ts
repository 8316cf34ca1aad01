// The demo system's shape: which services exist, who calls whom, and each service's baseline numbers.
// frontend → cart, catalogue, checkout; checkout → payments, queue; cart, catalogue, payments → db.

export const SERVICES = ['frontend', 'cart', 'catalogue', 'checkout', 'payments', 'queue', 'db'] as const;
export type Service = (typeof SERVICES)[number];

export interface Edge {
  client: Service;
  server: Service;
  /** calls to `server` per request the client serves */
  fanout: number;
}

export const EDGES: readonly Edge[] = [
  { client: 'frontend', server: 'cart', fanout: 0.4 },
  { client: 'frontend', server: 'catalogue', fanout: 0.8 },
  { client: 'frontend', server: 'checkout', fanout: 0.1 },
  { client: 'checkout', server: 'payments', fanout: 1 },
  { client: 'checkout', server: 'queue', fanout: 1 },
  { client: 'cart', server: 'db', fanout: 1.5 },
  { client: 'catalogue', server: 'db', fanout: 1 },
  { client: 'payments', server: 'db', fanout: 2 },
];

export interface ServiceProfile {
  /** requests/s arriving from outside the graph at the daily mean (frontend: users) */
  externalRps: number;
  routes: readonly { route: string; share: number }[];
  /** own median latency in seconds, before callees */
  latencyS: number;
  /** own 5xx ratio at rest */
  errorRatio: number;
  cpuBase: number;
  /** CPU ratio per request/s */
  cpuPerRps: number;
  memoryLimitBytes: number;
  /** resting memory as a fraction of the limit */
  memoryBase: number;
  /** disk capacity; only services with state (db, queue) have a disk */
  diskCapacityBytes?: number;
  diskBase?: number;
  /** connection pool size for services that talk to db; db's own max_connections */
  dbConnectionsMax?: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const PROFILES: Record<Service, ServiceProfile> = {
  frontend: {
    externalRps: 40,
    routes: [
      { route: '/', share: 0.5 },
      { route: '/product', share: 0.35 },
      { route: '/checkout', share: 0.15 },
    ],
    latencyS: 0.012,
    errorRatio: 0.001,
    cpuBase: 0.08,
    cpuPerRps: 0.006,
    memoryLimitBytes: 512 * MiB,
    memoryBase: 0.45,
  },
  cart: {
    externalRps: 0,
    routes: [
      { route: '/cart', share: 0.7 },
      { route: '/cart/items', share: 0.3 },
    ],
    latencyS: 0.008,
    errorRatio: 0.0015,
    cpuBase: 0.05,
    cpuPerRps: 0.008,
    memoryLimitBytes: 256 * MiB,
    memoryBase: 0.4,
    dbConnectionsMax: 20,
  },
  catalogue: {
    externalRps: 0,
    routes: [
      { route: '/catalogue', share: 0.6 },
      { route: '/catalogue/search', share: 0.4 },
    ],
    latencyS: 0.01,
    errorRatio: 0.001,
    cpuBase: 0.05,
    cpuPerRps: 0.005,
    memoryLimitBytes: 256 * MiB,
    memoryBase: 0.5,
    dbConnectionsMax: 20,
  },
  checkout: {
    externalRps: 0,
    routes: [{ route: '/checkout', share: 1 }],
    latencyS: 0.02,
    errorRatio: 0.002,
    cpuBase: 0.04,
    cpuPerRps: 0.02,
    memoryLimitBytes: 384 * MiB,
    memoryBase: 0.35,
  },
  payments: {
    externalRps: 0,
    routes: [{ route: '/pay', share: 1 }],
    latencyS: 0.06,
    errorRatio: 0.003,
    cpuBase: 0.03,
    cpuPerRps: 0.025,
    memoryLimitBytes: 256 * MiB,
    memoryBase: 0.4,
    dbConnectionsMax: 10,
  },
  queue: {
    externalRps: 0,
    routes: [{ route: '/publish', share: 1 }],
    latencyS: 0.004,
    errorRatio: 0.0005,
    cpuBase: 0.03,
    cpuPerRps: 0.01,
    memoryLimitBytes: 512 * MiB,
    memoryBase: 0.3,
    diskCapacityBytes: 20 * GiB,
    diskBase: 0.25,
  },
  db: {
    externalRps: 2,
    routes: [
      { route: 'select', share: 0.8 },
      { route: 'update', share: 0.2 },
    ],
    latencyS: 0.003,
    errorRatio: 0.0003,
    cpuBase: 0.1,
    cpuPerRps: 0.004,
    memoryLimitBytes: 2 * GiB,
    memoryBase: 0.6,
    diskCapacityBytes: 100 * GiB,
    diskBase: 0.45,
    dbConnectionsMax: 100,
  },
};

/** Callees of each service (edges leaving it). */
export const CALLEES: Record<Service, Edge[]> = Object.fromEntries(
  SERVICES.map((s) => [s, EDGES.filter((e) => e.client === s)]),
) as Record<Service, Edge[]>;

/** Callers of each service (edges arriving at it). */
export const CALLERS: Record<Service, Edge[]> = Object.fromEntries(
  SERVICES.map((s) => [s, EDGES.filter((e) => e.server === s)]),
) as Record<Service, Edge[]>;

/** Services in call order (callers before callees), so traffic can be pushed down in one pass. */
export const TOP_DOWN: readonly Service[] = ['frontend', 'cart', 'catalogue', 'checkout', 'payments', 'queue', 'db'];

/** Latency histogram bucket bounds (seconds), Prometheus client defaults extended to 10 s. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export function isService(s: unknown): s is Service {
  return typeof s === 'string' && (SERVICES as readonly string[]).includes(s);
}
