import { OnlineAnomalyDetector } from '../src/models/anomaly/detector.js';
import { realisticCorpus } from './lib/realistic.js';
const shape = process.argv[2]!;
const kind = process.argv[3] ?? 'clean';
const c = realisticCorpus({ seed: 13, perCell: 3 }).filter((s) => s.shape === shape && s.kind === kind);
for (const s of c.slice(0, Number(process.argv[4] ?? 1))) {
  const d = new OnlineAnomalyDetector({});
  let lastSeasons = '';
  for (let i = 0; i < s.values.length; i++) {
    const r = d.update(s.ts[i]!, s.values[i]!);
    const se = d.seasons.join(',');
    if (se !== lastSeasons) { console.log(`${s.id} i=${i} day=${((s.ts[i]! - s.ts[0]!) / 86400).toFixed(2)} seasons=[${se}]`); lastSeasons = se; }
    if (r.alarm && i >= s.scoredFrom) console.log(`${s.id} ALARM i=${i} day=${((s.ts[i]! - s.ts[0]!) / 86400).toFixed(2)} x=${s.values[i]} exp=${r.expected.toFixed(3)} band=${(r.upper - r.expected).toFixed(3)} score=${r.score.toFixed(2)} det=${r.detectors} win=${JSON.stringify(s.windows)}`);
  }
  console.log(JSON.stringify(d.toJSON()).length);
}
