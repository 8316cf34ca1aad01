import { OnlineAnomalyDetector } from '../src/models/anomaly/detector.js';
import { realisticCorpus } from './lib/realistic.js';
const s = realisticCorpus({ seed: 13, perCell: 3 }).filter((x) => x.shape === 'batch_square' && x.kind === 'level_shift')[0]!;
const d = new OnlineAnomalyDetector({});
const dec = (p: string) => { const b = Buffer.from(p, 'base64'); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
for (let i = 0; i < 3000; i++) {
  const r = d.update(s.ts[i]!, s.values[i]!);
  const ph = i % 288;
  if (ph === 5 || ph === 18 || ph === 30) {
    const st = d.toJSON(); const p = dec(st.profiles[1]!.p);
    console.log('day', Math.floor(i / 288), 'b', ph, 'x', s.values[i]!.toFixed(1), 'P', p[ph]!.toFixed(1), 'Ld', st.profiles[1]!.level.toFixed(1), 'sel', st.sel, 'epi', st.episode, r.anomaly);
  }
}
