// The injected faults the RCA evaluation runs: every fault type on several services, including faults in
// leaf dependencies (db, payments, queue) whose loudest symptoms show up first at their callers, each at
// the simulator's default magnitude and at a weak one, starting at different times of day.
export interface Scenario {
  type: 'latency_spike' | 'error_burst' | 'memory_leak' | 'disk_fill' | 'dependency_outage' | 'traffic_surge';
  service: string;
  /** undefined: the simulator's default magnitude. */
  magnitude?: number;
  seed: number;
  /** Hours after midnight UTC the warm-up starts (rising, peak and falling traffic). */
  startHour: number;
}

const plan: [Scenario['type'], string[], number][] = [
  ['dependency_outage', ['payments', 'db', 'catalogue', 'queue', 'cart', 'checkout'], 0.3],
  ['error_burst', ['checkout', 'payments', 'cart', 'catalogue', 'db'], 0.05],
  ['latency_spike', ['db', 'payments', 'catalogue', 'cart', 'checkout', 'queue'], 2],
  ['memory_leak', ['cart', 'checkout', 'catalogue', 'payments', 'frontend'], 0.01],
  // Only db and queue have disks in the demo.
  ['disk_fill', ['db', 'queue'], 0.005],
  ['traffic_surge', ['frontend', 'checkout', 'cart', 'catalogue'], 1.6],
];

const HOURS = [3, 9, 12, 15, 18, 22];

export const SCENARIOS: Scenario[] = plan.flatMap(([type, services, weak], i) =>
  services.flatMap((service, j) =>
    [undefined, weak].map((magnitude, k) => {
      const n = 100 * i + 10 * j + k;
      return { type, service, seed: 1000 + n, startHour: HOURS[(i + j + k) % HOURS.length]!, ...(magnitude !== undefined ? { magnitude } : {}) };
    }),
  ),
);

/** The metric an operator would call "the cause" for each fault type (for the metric-level check). */
export const CAUSE_METRIC: Record<Scenario['type'], RegExp> = {
  dependency_outage: /^(up|error_ratio|request_rate)$/,
  error_burst: /^error_ratio$/,
  latency_spike: /^latency/,
  memory_leak: /^memory/,
  disk_fill: /^disk/,
  traffic_surge: /^request_rate$/,
};
