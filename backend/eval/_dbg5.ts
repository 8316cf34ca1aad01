import { OnlineAnomalyDetector } from '../src/models/anomaly/detector.js';
import { realisticCorpus } from './lib/realistic.js';
const s = realisticCorpus({ seed: 13, perCell: 3 }).filter((x) => x.shape === 'batch_square' && x.kind === (process.argv[2] ?? 'clean'))[Number(process.argv[3] ?? 0)]!;
const d = new OnlineAnomalyDetector({});
let sel = ''; for (let i = 0; i < 3000; i++) { d.update(s.ts[i]!, s.values[i]!); const q = d.seasons.join(','); if (q !== sel) { console.log(i, q); sel = q; } }
const st = d.toJSON();
for (const p of st.profiles) {
  const b = Buffer.from(p.p, 'base64'); const f = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  console.log(p.period, 'level', p.level.toFixed(2), 'mse', p.mse.toFixed(2), 'scale', p.scale.toFixed(2), Array.from(f.slice(0, 40), (v) => v.toFixed(1)).join(' '));
}
console.log('vals', Array.from(s.values.slice(2880, 2920), (v) => v.toFixed(1)).join(' '));
