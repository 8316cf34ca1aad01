// The demo's example SLOs (examples/slo/foresight.yml, applied by `npm run demo`, and the OpenSLO examples
// written against the same services) fit its normal workload:
// a seeded simulation with no fault stays below every page and ticket burn condition and the budget warning.
// Each SLI's own selectors from the file are evaluated on the simulated counters, so raising an objective
// past what the workload serves makes this fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpecsOrThrow } from '../../src/slo/load.js';
import { burnConditions } from '../../src/slo/burn.js';
import { parseDuration } from '../../src/slo/window.js';
import type { SloDef } from '../../src/slo/model.js';
import { createSimulator, type MetricSample } from '../../src/demo/simulator.js';

const EX = join(import.meta.dirname, '../../../examples/slo');
const FILES = ['foresight.yml', 'openslo-v1.yml', 'openslo-v1alpha.yml'];
const STEP_S = 300;
const DAYS = 4;

type Matcher = (labels: Record<string, string>) => boolean;

/** `name{a="x",b=~"y"}` → name and a label predicate (the matchers the examples use). */
function selector(text: string): { name: string; match: Matcher } {
  const m = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}/.exec(text);
  assert.ok(m, `no selector in ${text}`);
  const tests: Matcher[] = [];
  for (const [, k, op, v] of m[2]!.matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)) {
    const re = new RegExp(`^(?:${v})$`);
    tests.push((l) => {
      const x = l[k!] ?? '';
      return op === '=' ? x === v : op === '!=' ? x !== v : op === '=~' ? re.test(x) : !re.test(x);
    });
  }
  return { name: m[1] ?? '', match: (l) => tests.every((t) => t(l)) };
}

const sum = (samples: MetricSample[], name: string, match: Matcher): number =>
  samples.filter((s) => s.name === name && match(s.labels)).reduce((a, s) => a + s.value, 0);

/** Bad and total event counts (cumulative) of an SLI at one scrape; undefined when the workload has no such series. */
function counts(slo: SloDef, samples: MetricSample[]): { bad: number; total: number; gauge?: boolean } | undefined {
  const sli = slo.sli;
  const count = (q: string): number | undefined => {
    const s = selector(q);
    return samples.some((x) => x.name === s.name && s.match(x.labels)) ? sum(samples, s.name, s.match) : undefined;
  };
  if (sli.kind === 'events') {
    const total = count(sli.total);
    if (total === undefined) return undefined;
    const bad = sli.errors !== undefined ? (count(sli.errors) ?? 0) : total - (count(sli.good!) ?? 0);
    return { bad, total };
  }
  if (sli.kind === 'raw') {
    const [num, den] = sli.errorRatio.split(/\n\s*\/\s*\n/);
    if (den === undefined) return undefined; // not errors / total (e.g. an OpenSLO threshold metric)
    const total = count(den);
    return total === undefined ? undefined : { bad: count(num!) ?? 0, total };
  }
  if (sli.kind === 'latency' && !sli.native) {
    const s = selector(`${sli.metric}_bucket${sli.selector}`);
    const le = (v: string): Matcher => (l) => s.match(l) && l.le === v;
    if (!samples.some((x) => x.name === s.name && le('+Inf')(x.labels))) return undefined;
    const total = sum(samples, s.name, le('+Inf'));
    return { bad: total - sum(samples, s.name, le(String(sli.threshold))), total };
  }
  if (sli.kind === 'availability') {
    // A 0/1 gauge: each sample is one event (summed over the series the selector matches), counted up by the caller.
    const s = selector(`${sli.metric}${sli.selector}`);
    const matched = samples.filter((x) => x.name === s.name && s.match(x.labels));
    if (!matched.length) return undefined;
    return { bad: matched.filter((x) => x.value < 1).length, total: matched.length, gauge: true };
  }
  return undefined; // native histograms: the demo exposes classic histograms only
}

for (const seed of [1, 2]) {
  test(`seed ${seed}: the demo's normal workload burns no example SLO past a page, ticket or budget threshold`, () => {
    const { slos } = loadSpecsOrThrow(FILES.map((file) => ({ file, text: readFileSync(join(EX, file), 'utf8') })));
    const t0 = Date.UTC(2026, 0, 5);
    const sim = createSimulator({ seed, startMs: t0 });
    const series = new Map<string, { bad: number; total: number }[]>();
    for (let k = 0; k <= (DAYS * 86_400) / STEP_S; k++) {
      sim.advance(t0 + k * STEP_S * 1000);
      const samples = sim.metrics().flatMap((f) => f.samples);
      for (const slo of slos) {
        const c = counts(slo, samples);
        if (!c) continue;
        const prev = series.get(slo.id) ?? [];
        // Gauge SLIs give this scrape's events; accumulate them like the counters' running totals.
        const last = prev.at(-1);
        const point = c.gauge ? { bad: (last?.bad ?? 0) + c.bad, total: (last?.total ?? 0) + c.total } : c;
        series.set(slo.id, [...prev, point]);
      }
    }
    assert.deepEqual([...series.keys()].sort(), [
      'catalogue-requests-success',
      'checkout-checkout-availability-0',
      'checkout-requests-availability',
      'frontend-latency-500ms',
      'payments-payments-success-0',
      'payments-probe-availability',
      'queue-raw-error-ratio',
    ]);
    const report: string[] = [];
    for (const slo of slos) {
      const pts = series.get(slo.id);
      if (!pts) continue;
      const budget = 1 - slo.objective / 100;
      const ratio = (i: number, window: string): number => {
        const n = Math.round(parseDuration(window)! / STEP_S);
        const a = pts[i - n]!;
        const b = pts[i]!;
        return b.total > a.total ? (b.bad - a.bad) / (b.total - a.total) : 0;
      };
      for (const c of burnConditions(slo.window.days, slo.alerting.windows)) {
        const n = Math.round(parseDuration(c.long)! / STEP_S);
        let worst = 0;
        for (let i = n; i < pts.length; i++) {
          const both = Math.min(ratio(i, c.long), ratio(i, c.short));
          worst = Math.max(worst, both / (c.factor * budget));
        }
        report.push(`${slo.id} ${c.tier} ${c.long}/${c.short}: ${(100 * worst).toFixed(0)}% of threshold`);
        assert.ok(worst < 1, `${slo.id}: the normal workload fires the ${c.tier} ${c.long}/${c.short} condition (${worst.toFixed(2)} × threshold)`);
      }
      const all = (pts.at(-1)!.bad - pts[0]!.bad) / (pts.at(-1)!.total - pts[0]!.total);
      assert.ok(all < budget * (slo.alerting.budget.enabled ? slo.alerting.budget.consumed : 1), `${slo.id}: ${all} spends the budget ${budget}`);
    }
    console.log(report.join('\n'));
  });
}
