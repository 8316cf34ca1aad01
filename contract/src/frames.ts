// Encoding domain results as frames (companion side) and decoding them back (plugin side).
// Both directions live here so the two sides cannot drift apart. Decoders accept any `FrameLike`,
// which includes Grafana's DataFrame, and ignore frames of other types.
import type { Field, Frame, FrameLike } from './frame.js';
import type {
  Anomaly,
  BudgetPoint,
  BurnRate,
  Forecast,
  Grade,
  HealthScore,
  RootCauseResult,
  SloStatus,
} from './domain.js';

export const FRAME_TYPES = {
  sloStatus: 'foresight.sloStatus',
  burnRates: 'foresight.burnRates',
  budgetHistory: 'foresight.budgetHistory',
  healthScore: 'foresight.healthScore',
  healthCategories: 'foresight.healthCategories',
  healthHistory: 'foresight.healthHistory',
  forecast: 'foresight.forecast',
  anomalies: 'foresight.anomalies',
  rootCause: 'foresight.rootCause',
  rootCauseTimeline: 'foresight.rootCauseTimeline',
} as const;

const f = (name: string, type: Field['type'], values: unknown[], unit?: string): Field =>
  unit ? { name, type, values, unit } : { name, type, values };

// ---------- encoders ----------

export function sloStatusFrames(list: SloStatus[]): Frame[] {
  const burn = list.flatMap((s) => s.burnRates.map((b) => ({ slo: s.id, ...b })));
  return [
    {
      name: 'slo_status',
      meta: { type: FRAME_TYPES.sloStatus },
      fields: [
        f(
          'id',
          'string',
          list.map((s) => s.id)
        ),
        f(
          'service',
          'string',
          list.map((s) => s.service)
        ),
        f(
          'name',
          'string',
          list.map((s) => s.name)
        ),
        f(
          'objective',
          'number',
          list.map((s) => s.objective),
          'percentunit'
        ),
        f(
          'sli',
          'number',
          list.map((s) => s.sli),
          'percentunit'
        ),
        f(
          'budgetRemaining',
          'number',
          list.map((s) => s.budgetRemaining),
          'percentunit'
        ),
        f(
          'secondsToExhaustion',
          'number',
          list.map((s) => s.secondsToExhaustion),
          's'
        ),
        f(
          'window',
          'string',
          list.map((s) => s.window)
        ),
        // Only when the companion measured it, so a status without coverage round-trips unchanged.
        ...(list.some((s) => s.coverage !== undefined)
          ? [
              f(
                'coverage',
                'number',
                list.map((s) => s.coverage ?? null),
                'percentunit'
              ),
            ]
          : []),
        // Only when the companion reports it (additive: older decoders ignore the column).
        ...(list.some((s) => s.noDataQuery !== undefined)
          ? [
              f(
                'noDataQuery',
                'string',
                list.map((s) => s.noDataQuery ?? null)
              ),
            ]
          : []),
      ],
    },
    burnRateFrame(burn),
  ];
}

export function burnRateFrame(rows: Array<BurnRate & { slo: string }>): Frame {
  return {
    name: 'burn_rates',
    meta: { type: FRAME_TYPES.burnRates },
    fields: [
      f(
        'slo',
        'string',
        rows.map((r) => r.slo)
      ),
      f(
        'window',
        'string',
        rows.map((r) => r.window)
      ),
      f(
        'rate',
        'number',
        rows.map((r) => r.rate)
      ),
      f(
        'threshold',
        'number',
        rows.map((r) => r.threshold)
      ),
    ],
  };
}

export function budgetHistoryFrame(slo: string, points: BudgetPoint[]): Frame {
  return {
    name: `budget_${slo}`,
    meta: { type: FRAME_TYPES.budgetHistory, custom: { slo } },
    fields: [
      f(
        'time',
        'time',
        points.map((p) => p.time)
      ),
      {
        ...f(
          'budgetRemaining',
          'number',
          points.map((p) => p.budgetRemaining),
          'percentunit'
        ),
        labels: { slo },
      },
    ],
  };
}

export function healthScoreFrames(list: HealthScore[]): Frame[] {
  const cats = list.flatMap((h) => h.categories.map((c) => ({ component: h.component, ...c })));
  const hist = list.flatMap((h) => h.history.map((p) => ({ component: h.component, ...p })));
  return [
    {
      name: 'health_score',
      meta: { type: FRAME_TYPES.healthScore },
      fields: [
        f(
          'component',
          'string',
          list.map((h) => h.component)
        ),
        f(
          'score',
          'number',
          list.map((h) => h.score)
        ),
        f(
          'grade',
          'string',
          list.map((h) => h.grade)
        ),
        f(
          'trend',
          'number',
          list.map((h) => h.trend)
        ),
      ],
    },
    {
      name: 'health_categories',
      meta: { type: FRAME_TYPES.healthCategories },
      fields: [
        f(
          'component',
          'string',
          cats.map((c) => c.component)
        ),
        f(
          'category',
          'string',
          cats.map((c) => c.name)
        ),
        f(
          'weight',
          'number',
          cats.map((c) => c.weight)
        ),
        f(
          'score',
          'number',
          cats.map((c) => c.score)
        ),
      ],
    },
    {
      name: 'health_history',
      meta: { type: FRAME_TYPES.healthHistory },
      fields: [
        f(
          'time',
          'time',
          hist.map((p) => p.time)
        ),
        f(
          'component',
          'string',
          hist.map((p) => p.component)
        ),
        f(
          'score',
          'number',
          hist.map((p) => p.score)
        ),
      ],
    },
  ];
}

export function forecastFrame(fc: Forecast): Frame {
  return {
    name: `forecast_${fc.target}`,
    meta: {
      type: FRAME_TYPES.forecast,
      custom: {
        target: fc.target,
        series: fc.series ?? null,
        unit: fc.unit ?? null,
        threshold: fc.threshold ?? null,
        crossingTime: fc.crossingTime ?? null,
        headroom: fc.headroom,
        recommendation: fc.recommendation,
        notes: fc.notes ?? null,
      },
    },
    fields: [
      f('time', 'time', fc.timestamps),
      f('history', 'number', fc.history, fc.unit),
      f('forecast', 'number', fc.forecast, fc.unit),
      f('lo80', 'number', fc.lo80, fc.unit),
      f('hi80', 'number', fc.hi80, fc.unit),
      f('lo95', 'number', fc.lo95, fc.unit),
      f('hi95', 'number', fc.hi95, fc.unit),
    ],
  };
}

export function anomaliesFrame(list: Anomaly[]): Frame {
  return {
    name: 'anomalies',
    meta: { type: FRAME_TYPES.anomalies },
    fields: [
      f(
        'time',
        'time',
        list.map((a) => a.time)
      ),
      f(
        'target',
        'string',
        list.map((a) => a.target)
      ),
      f(
        'series',
        'string',
        list.map((a) => a.series)
      ),
      f(
        'score',
        'number',
        list.map((a) => a.score)
      ),
      f(
        'value',
        'number',
        list.map((a) => a.value)
      ),
      f(
        'expected',
        'number',
        list.map((a) => a.expected)
      ),
    ],
  };
}

export function rootCauseFrames(r: RootCauseResult): Frame[] {
  const c = r.candidates;
  return [
    {
      name: 'root_cause',
      meta: { type: FRAME_TYPES.rootCause, custom: { incident: r.incident ?? null, incidentTime: r.incidentTime ?? null } },
      fields: [
        f(
          'rank',
          'number',
          c.map((_, i) => i + 1)
        ),
        f(
          'component',
          'string',
          c.map((x) => x.component)
        ),
        f(
          'metric',
          'string',
          c.map((x) => x.metric)
        ),
        f(
          'score',
          'number',
          c.map((x) => x.score)
        ),
        f(
          'onset',
          'time',
          c.map((x) => x.onset)
        ),
        f(
          'evidence',
          'string',
          c.map((x) => x.evidence)
        ),
        f(
          'series',
          'string',
          c.map((x) => x.series ?? '')
        ),
      ],
    },
    {
      name: 'root_cause_timeline',
      meta: { type: FRAME_TYPES.rootCauseTimeline },
      fields: [
        f(
          'time',
          'time',
          r.timeline.map((t) => t.time)
        ),
        f(
          'component',
          'string',
          r.timeline.map((t) => t.component)
        ),
        f(
          'event',
          'string',
          r.timeline.map((t) => t.event)
        ),
      ],
    },
  ];
}

// ---------- decoders ----------

/** Frames whose `meta.type` is `type`. */
export function framesOfType(frames: readonly FrameLike[], type: string): FrameLike[] {
  return frames.filter((fr) => fr.meta?.type === type);
}

function col(fr: FrameLike, name: string): ArrayLike<unknown> {
  const fld = fr.fields.find((x) => x.name === name);
  if (!fld) throw new Error(`frame '${fr.name ?? fr.meta?.type ?? '?'}' has no field '${name}'`);
  return fld.values;
}
const optCol = (fr: FrameLike, name: string): ArrayLike<unknown> | undefined =>
  fr.fields.find((x) => x.name === name)?.values;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const rows = (fr: FrameLike): number => fr.fields[0]?.values.length ?? 0;
const custom = (fr: FrameLike): Record<string, unknown> => fr.meta?.custom ?? {};

export function decodeSloStatus(frames: readonly FrameLike[]): SloStatus[] {
  const burn = decodeBurnRates(frames);
  return framesOfType(frames, FRAME_TYPES.sloStatus).flatMap((fr) => {
    const [id, service, name, objective, sli, budget, tte, window] = [
      'id',
      'service',
      'name',
      'objective',
      'sli',
      'budgetRemaining',
      'secondsToExhaustion',
      'window',
    ].map((n) => col(fr, n));
    // Older companions send no coverage: absent, not zero.
    const coverage = optCol(fr, 'coverage');
    const noDataQuery = optCol(fr, 'noDataQuery');
    return Array.from({ length: rows(fr) }, (_, i) => ({
      id: str(id[i]),
      service: str(service[i]),
      name: str(name[i]),
      objective: num(objective[i]) ?? 0,
      sli: num(sli[i]),
      budgetRemaining: num(budget[i]),
      secondsToExhaustion: num(tte[i]),
      window: str(window[i]),
      ...(coverage ? { coverage: num(coverage[i]) } : {}),
      ...(noDataQuery ? { noDataQuery: typeof noDataQuery[i] === 'string' ? (noDataQuery[i] as string) : null } : {}),
      burnRates: burn.filter((b) => b.slo === str(id[i])).map(({ slo: _slo, ...b }) => b),
    }));
  });
}

/** Burn rates per SLO and window; when several queries return the same (slo, window), the first wins. */
export function decodeBurnRates(frames: readonly FrameLike[]): Array<BurnRate & { slo: string }> {
  const seen = new Set<string>();
  const all = framesOfType(frames, FRAME_TYPES.burnRates).flatMap((fr) => {
    const [slo, window, rate, threshold] = ['slo', 'window', 'rate', 'threshold'].map((n) => col(fr, n));
    return Array.from({ length: rows(fr) }, (_, i) => ({
      slo: str(slo[i]),
      window: str(window[i]),
      rate: num(rate[i]) ?? 0,
      threshold: num(threshold[i]) ?? 0,
    }));
  });
  return all.filter((b) => {
    const key = `${b.slo}\u0000${b.window}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

export function decodeBudgetHistory(frames: readonly FrameLike[]): Array<{ slo: string; points: BudgetPoint[] }> {
  return framesOfType(frames, FRAME_TYPES.budgetHistory).map((fr) => {
    const t = col(fr, 'time');
    const b = col(fr, 'budgetRemaining');
    return {
      slo: str(custom(fr).slo),
      points: Array.from({ length: rows(fr) }, (_, i) => ({ time: num(t[i]) ?? 0, budgetRemaining: num(b[i]) })),
    };
  });
}

export function decodeHealthScores(frames: readonly FrameLike[]): HealthScore[] {
  const cats = framesOfType(frames, FRAME_TYPES.healthCategories).flatMap((fr) => {
    const [c, n, w, s] = ['component', 'category', 'weight', 'score'].map((k) => col(fr, k));
    return Array.from({ length: rows(fr) }, (_, i) => ({
      component: str(c[i]),
      name: str(n[i]),
      weight: num(w[i]) ?? 0,
      score: num(s[i]),
    }));
  });
  const hist = framesOfType(frames, FRAME_TYPES.healthHistory).flatMap((fr) => {
    const [t, c, s] = ['time', 'component', 'score'].map((k) => col(fr, k));
    return Array.from({ length: rows(fr) }, (_, i) => ({
      component: str(c[i]),
      time: num(t[i]) ?? 0,
      score: num(s[i]) ?? 0,
    }));
  });
  return framesOfType(frames, FRAME_TYPES.healthScore).flatMap((fr) => {
    const [c, s, g, tr] = ['component', 'score', 'grade', 'trend'].map((k) => col(fr, k));
    return Array.from({ length: rows(fr) }, (_, i) => {
      const component = str(c[i]);
      return {
        component,
        score: num(s[i]) ?? 0,
        grade: str(g[i]) as Grade,
        trend: num(tr[i]) ?? 0,
        categories: cats.filter((x) => x.component === component).map(({ component: _c, ...x }) => x),
        history: hist.filter((x) => x.component === component).map(({ component: _c, ...x }) => x),
      };
    });
  });
}

export function decodeForecasts(frames: readonly FrameLike[]): Forecast[] {
  return framesOfType(frames, FRAME_TYPES.forecast).map((fr) => {
    const m = custom(fr);
    const arr = (n: string) => Array.from(optCol(fr, n) ?? { length: rows(fr) }, (v) => num(v));
    return {
      target: str(m.target),
      series: typeof m.series === 'string' ? m.series : undefined,
      unit: typeof m.unit === 'string' ? m.unit : undefined,
      timestamps: Array.from(col(fr, 'time'), (v) => num(v) ?? 0),
      history: arr('history'),
      forecast: arr('forecast'),
      lo80: arr('lo80'),
      hi80: arr('hi80'),
      lo95: arr('lo95'),
      hi95: arr('hi95'),
      threshold: num(m.threshold),
      crossingTime: num(m.crossingTime),
      headroom: num(m.headroom),
      recommendation: str(m.recommendation),
      ...(Array.isArray(m.notes) ? { notes: m.notes.filter((x): x is string => typeof x === 'string') } : {}),
    };
  });
}

export function decodeAnomalies(frames: readonly FrameLike[]): Anomaly[] {
  return framesOfType(frames, FRAME_TYPES.anomalies).flatMap((fr) => {
    const [t, tg, se, sc, v, e] = ['time', 'target', 'series', 'score', 'value', 'expected'].map((k) => col(fr, k));
    return Array.from({ length: rows(fr) }, (_, i) => ({
      time: num(t[i]) ?? 0,
      target: str(tg[i]),
      series: str(se[i]),
      score: num(sc[i]) ?? 0,
      value: num(v[i]),
      expected: num(e[i]),
    }));
  });
}

export function decodeRootCause(frames: readonly FrameLike[]): RootCauseResult | null {
  const main = framesOfType(frames, FRAME_TYPES.rootCause)[0];
  if (!main) return null;
  const [c, m, s, o, e, se] = ['component', 'metric', 'score', 'onset', 'evidence', 'series'].map((k) => col(main, k));
  const candidates = Array.from({ length: rows(main) }, (_, i) => ({
    component: str(c[i]),
    metric: str(m[i]),
    score: num(s[i]) ?? 0,
    onset: num(o[i]),
    evidence: str(e[i]),
    // No PromQL from the companion: no Explore link (a metric name alone is often not a real series).
    ...(str(se[i]) ? { series: str(se[i]) } : {}),
  }));
  const timeline = framesOfType(frames, FRAME_TYPES.rootCauseTimeline).flatMap((fr) => {
    const [t, tc, ev] = ['time', 'component', 'event'].map((k) => col(fr, k));
    return Array.from({ length: rows(fr) }, (_, i) => ({
      time: num(t[i]) ?? 0,
      component: str(tc[i]),
      event: str(ev[i]),
    }));
  });
  const inc = custom(main).incident;
  const incTime = custom(main).incidentTime;
  return {
    incident: typeof inc === 'string' ? inc : undefined,
    ...(typeof incTime === 'number' && Number.isFinite(incTime) ? { incidentTime: incTime } : {}),
    candidates,
    timeline: timeline.sort((a, b) => a.time - b.time),
  };
}
