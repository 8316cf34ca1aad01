import { OnlineAnomalyDetector } from '../src/models/anomaly/detector.js';
import { realisticCorpus } from './lib/realistic.js';
const c = realisticCorpus({ seed: 13, perCell: 3 });
const tab = new Map<string, string[]>();
for (const s of c) {
  if (s.kind === 'clean') continue;
  const d = new OnlineAnomalyDetector({});
  const w = s.windows[0]!;
  let hit = -1; let maxScore = 0;
  for (let i = 0; i < s.values.length; i++) {
    const r = d.update(s.ts[i]!, s.values[i]!);
    if (i >= w.start && i <= w.end) { maxScore = Math.max(maxScore, r.score); if (r.anomaly && hit < 0) hit = i - w.start; }
  }
  const k = `${s.shape}/${s.kind}`;
  tab.set(k, [...(tab.get(k) ?? []), hit >= 0 ? `+${hit}` : `miss(${maxScore.toFixed(2)})`]);
}
for (const [k, v] of tab) console.log(k.padEnd(36), v.join(' '));
