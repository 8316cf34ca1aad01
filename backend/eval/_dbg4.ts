import { OnlineAnomalyDetector } from '../src/models/anomaly/detector.js';
import { realisticCorpus } from './lib/realistic.js';
const [shape, kind, idx] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4] ?? 0)];
const s = realisticCorpus({ seed: 13, perCell: 3 }).filter((x) => x.shape === shape && x.kind === kind)[idx]!;
const d = new OnlineAnomalyDetector({});
const w = s.windows[0];
let last = '';
for (let i = 0; i < s.values.length; i++) {
  const r = d.update(s.ts[i]!, s.values[i]!);
  const se = d.seasons.join(',');
  if (se !== last) { console.log('i', i, 'day', ((s.ts[i]! - s.ts[0]!) / 86400).toFixed(2), 'seasons', se); last = se; }
  if ((w && i >= w.start - 3 && i <= w.start + 5) || (r.alarm && i > s.scoredFrom)) console.log(i, s.values[i]!.toFixed(2), 'exp', r.expected.toFixed(2), 'half', (r.upper - r.expected).toFixed(2), 'score', r.score.toFixed(2), r.anomaly ? 'ANOM' : '', r.detectors.join('+'));
}
console.log(JSON.stringify(s.windows));
const st = d.toJSON(); console.log(JSON.stringify({ ...st, profiles: st.profiles.map((p) => ({ period: p.period, level: p.level, scale: p.scale, mse: p.mse })) }));
