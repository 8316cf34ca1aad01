import { OnlineAnomalyDetector } from '../src/models/anomaly/detector.js';
import { loadPetShop } from './lib/petshop.js';
const p = loadPetShop()!;
const byDet = new Map<string, number>();
const byMetric = new Map<string, number>();
let alarms = 0;
const show = Number(process.argv[2] ?? 0);
for (const s of p.normal) {
  const d = new OnlineAnomalyDetector({});
  for (let i = 0; i < s.values.length; i++) {
    const r = d.update(s.ts[i]!, s.values[i]!);
    if (r.alarm && i >= s.scoredFrom) {
      alarms++;
      const k = r.detectors.join('+') || 'none';
      byDet.set(k, (byDet.get(k) ?? 0) + 1);
      const m = s.id.split('|').slice(1).join('|');
      byMetric.set(m, (byMetric.get(m) ?? 0) + 1);
      if (alarms < show) {
        const ctx = Array.from(s.values.slice(Math.max(0, i - 6), i + 3), (v) => v.toPrecision(3)).join(' ');
        console.log(s.id, i, 'exp', r.expected.toPrecision(3), 'half', (r.upper - r.expected).toPrecision(3), r.score.toFixed(2), k, 'seasons', d.seasons.join(','), '|', ctx);
      }
    }
  }
}
console.log(alarms, [...byDet], [...byMetric]);
