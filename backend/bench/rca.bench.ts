// Speed of one root-cause investigation (target ≤ 1 s for 1,000 candidate series): 200 or 400 components ×
// 5 metrics, 2 h of 15 s samples (480 points per series), one injected fault and a chain of callers, with and
// without a dependency graph; beside the NSigma baseline on the same input. CPU time of this process is the
// measure (a shared machine's other work does not count against the model); wall time is printed beside it.
import { rankRootCauses, zScoreBaseline, type CandidateSeries, type DependencyEdge } from '../src/rca/model/index.js';
import { table } from '../eval/lib/metrics.js';
import { rng } from '../eval/lib/rng.js';
import { cpus, loadavg } from 'node:os';

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const METRICS = ['http_requests_per_second', 'http_error_ratio', 'http_request_duration_p95_seconds', 'process_cpu_utilization', 'container_memory_working_set_bytes'];
const STEP = 15;
const POINTS = 480;

function world(components: number, seed: number): { series: CandidateSeries[]; edges: DependencyEdge[]; incidentTime: number } {
  const r = rng(seed);
  const t0 = 1_767_225_600;
  const ts = Array.from({ length: POINTS }, (_, i) => t0 + i * STEP);
  const incidentTime = t0 + (POINTS - 40) * STEP;
  const names = Array.from({ length: components }, (_, i) => `svc-${i}`);
  const edges: DependencyEdge[] = [];
  for (let i = 1; i < components; i++) edges.push({ caller: names[Math.floor(r() * i)]!, callee: names[i]! });
  const faulty = new Set([names[components - 1]!, ...edges.filter((e) => e.callee === names[components - 1]).map((e) => e.caller)]);
  const series: CandidateSeries[] = [];
  for (const c of names) {
    for (const [m, metric] of METRICS.entries()) {
      const level = [100, 0.002, 0.05, 0.3, 5e8][m]! * r.uniform(0.5, 2);
      const values = ts.map((t) => {
        const shift = faulty.has(c) && t >= incidentTime - 60 && m === 2 ? 4 : 1;
        return level * shift * (1 + 0.05 * r.gauss());
      });
      series.push({ component: c, metric, timestamps: ts, values });
    }
  }
  return { series, edges, incidentTime };
}

export default async function rcaBench(): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const components of [200, 400]) {
    const w = world(components, components);
    rankRootCauses({ series: w.series, incidentTime: w.incidentTime, edges: w.edges, secondsPerUnit: 1 }); // warm-up
    for (const graph of [true, false]) {
      const runs = 3;
      const c0 = cpuNow();
      const t0 = performance.now();
      for (let k = 0; k < runs; k++) rankRootCauses({ series: w.series, incidentTime: w.incidentTime, secondsPerUnit: 1, ...(graph ? { edges: w.edges } : {}) });
      const cpu = (cpuNow() - c0) / runs;
      const wall = (performance.now() - t0) / runs;
      const b0 = cpuNow();
      zScoreBaseline(w.series, w.incidentTime);
      rows.push([`${w.series.length} series (${components} components × ${METRICS.length}), ${graph ? `${w.edges.length} edges` : 'no graph'}`, POINTS, cpu, wall, cpu <= 1000 * (w.series.length / 1000) ? 'yes' : 'NO', cpuNow() - b0]);
    }
  }
  process.stdout.write(
    `Machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}.\n\n` +
      table(['investigation', 'points per series', 'Foresight CPU ms', 'wall ms', '≤ 1 s per 1,000 series', 'NSigma CPU ms'], rows),
  );
}
