import { startRecordedStack } from './test/e2e/recorded-stack.js';
const t0 = Date.now();
const anchorMs = Math.floor(Date.now() / 15000) * 15000;
const s = await startRecordedStack({ seed: 7, anchorMs, historyMs: 6 * 3600_000, futureMs: 3600_000, stepMs: 15_000,
  faults: [{ type: 'disk_fill', service: 'db', durationSeconds: 2400, magnitude: 0.3, offsetMs: -20 * 60_000 }],
  companionConfig: { models: { intervalSeconds: 3600 }, health: { intervalSeconds: 3600 }, rca: { anomalies: { investigate: false } } } });
console.log('up in', Date.now() - t0);
const q = await fetch(`${s.prometheus.url}/api/v1/query?query=count(probe_success)&time=${anchorMs/1000}`).then(r => r.json());
console.log(JSON.stringify(q));
const q2 = await fetch(`${s.prometheus.url}/api/v1/query?query=sum(rate(http_requests_total[1m]))`).then(r => r.json());
console.log(JSON.stringify(q2));
await s.stop();
