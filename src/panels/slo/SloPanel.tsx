// SLO panel: objective vs SLI, budget gauge, burn-down over the window, burn rate per window against
// its alert threshold, and time to exhaustion. One card per SLO in the query result.
import React, { useMemo } from 'react';
import { css, cx } from '@emotion/css';
import { FieldType, ThresholdsMode, type DataFrame, type GrafanaTheme2, type PanelData } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { Badge, useStyles2, useTheme2 } from '@grafana/ui';
import {
  decodeBudgetHistory,
  decodeBurnRates,
  decodeSloStatus,
  type BudgetPoint,
  type BurnRate,
  type SloStatus,
} from '@foresight/contract';
import { duration, pct } from '../common/format';
import { TimeSeriesChart } from '../common/TimeSeriesChart';
import { coverageText } from './coverage';
export { coverageText };
import { PanelMessage, PanelWarnings } from '../common/PanelMessage';
import { panelView, type PanelBodyProps } from '../common/state';

export interface SloOptions {
  /** Show only this SLO id (empty: every SLO in the result). */
  slo: string;
  showBurnDown: boolean;
  showBurnRates: boolean;
  /** Below this share of the window with data, budgets are not judged ("too little data", not "exhausted"). */
  minCoverage: number;
}
export const defaultSloOptions: SloOptions = { slo: '', showBurnDown: true, showBurnRates: true, minCoverage: 0.5 };

interface SloCard {
  status: SloStatus | null;
  id: string;
  burnRates: BurnRate[];
  history: BudgetPoint[];
}

/** Joins status, burn-rate and budget-history frames by SLO id (any of them may be missing). */
export function decodeSloCards(data: PanelData, only: string): SloCard[] {
  const statuses = decodeSloStatus(data.series);
  const burns = decodeBurnRates(data.series);
  const hist = decodeBudgetHistory(data.series);
  const ids = [
    ...new Set([...statuses.map((s) => s.id), ...burns.map((b) => b.slo), ...hist.map((h) => h.slo)]),
  ].filter((id) => !only || id === only);
  return ids.map((id) => {
    const status = statuses.find((s) => s.id === id) ?? null;
    const br = status?.burnRates.length
      ? status.burnRates
      : burns.filter((b) => b.slo === id).map(({ slo: _s, ...b }) => b);
    return { id, status, burnRates: br, history: hist.find((h) => h.slo === id)?.points ?? [] };
  });
}

export function SloPanel({
  data,
  options,
  width,
  height,
  replaceVariables,
  timeZone = 'utc',
}: PanelBodyProps<SloOptions>) {
  const s = useStyles2(getStyles);
  const only = (replaceVariables ? replaceVariables(options.slo ?? '') : (options.slo ?? '')).trim();
  const view = panelView(
    data,
    (d) => decodeSloCards(d, only),
    (c) => c.length === 0,
    only ? `No SLO '${only}' in the result` : 'No SLOs defined yet'
  );
  if (view.kind !== 'data') {
    return <PanelMessage kind={view.kind} message={view.message} />;
  }
  return (
    <div className={s.root} style={{ width, height }} data-testid="slo-panel">
      <PanelWarnings warnings={view.warnings} />
      {view.value.map((c) => (
        <SloCardView key={c.id} card={c} options={options} width={width - 24} timeZone={timeZone} />
      ))}
    </div>
  );
}

function SloCardView({
  card,
  options,
  width,
  timeZone,
}: {
  card: SloCard;
  options: SloOptions;
  width: number;
  timeZone: TimeZone;
}) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const st = card.status;
  const coverage = st?.coverage ?? null;
  const minCoverage = options.minCoverage ?? defaultSloOptions.minCoverage;
  // The SLI query returned no series at all: say so with the query, instead of a coverage figure.
  const noData = st?.noDataQuery ?? null;
  const thin = !noData && coverage !== null && coverage < minCoverage;
  const meeting = st && st.sli !== null ? st.sli >= st.objective : null;
  return (
    <section className={s.card} data-testid="slo-card" aria-label={`SLO ${st?.name ?? card.id}`}>
      <header className={s.header}>
        <strong>{st?.name ?? card.id}</strong>
        {st && (
          <span className={s.muted}>
            {st.service} · {st.window} window
          </span>
        )}
        {meeting !== null && (
          <Badge text={meeting ? 'meeting objective' : 'below objective'} color={meeting ? 'green' : 'red'} />
        )}
        {coverage !== null && (
          <span className={s.muted} data-testid="slo-coverage" title="Share of the SLO window that has SLI data">
            data for {coverageText(coverage)} of the window
          </span>
        )}
      </header>
      {noData && (
        <div className={s.thin} data-testid="slo-no-data">
          no data for <code>{noData}</code>
        </div>
      )}
      {thin && (
        <div className={s.thin} data-testid="slo-coverage-note">
          Only {coverageText(coverage!)} of the {st?.window} window has data: the SLI, budget and burn rates describe
          that part alone, and the budget is not judged until {coverageText(minCoverage)} of the window has data.
        </div>
      )}
      <div className={s.row}>
        {st ? (
          <>
            <div className={s.stat}>
              <span className={s.label}>SLI</span>
              <span
                className={s.big}
                data-testid="slo-sli"
                style={{ color: meeting === false ? theme.colors.error.text : undefined }}
              >
                {pct(st.sli, 3)}
              </span>
              <span className={s.muted}>objective {pct(st.objective, 3)}</span>
            </div>
            <BudgetGauge remaining={st.budgetRemaining} />
            <div className={s.stat}>
              <span className={s.label}>Time to exhaustion</span>
              <span className={s.big} data-testid="slo-tte">
                {thin
                  ? 'too little data'
                  : st.budgetRemaining !== null && st.budgetRemaining <= 0
                    ? 'exhausted'
                    : st.secondsToExhaustion === null
                      ? 'not burning'
                      : duration(st.secondsToExhaustion)}
              </span>
            </div>
          </>
        ) : (
          <span className={s.muted}>No status for this SLO in the result (add an “SLO status” query).</span>
        )}
      </div>
      {options.showBurnDown && card.history.length > 1 && (
        <BurnDown points={card.history} width={width} timeZone={timeZone} />
      )}
      {options.showBurnRates && card.burnRates.length > 0 && <BurnRates rates={card.burnRates} />}
    </section>
  );
}

function BudgetGauge({ remaining }: { remaining: number | null }) {
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const v = remaining === null ? 0 : Math.max(0, Math.min(1, remaining));
  const color =
    remaining === null
      ? theme.colors.text.disabled
      : remaining > 0.5
        ? theme.colors.success.main
        : remaining > 0.2
          ? theme.colors.warning.main
          : theme.colors.error.main;
  // Half-circle gauge: the arc sweeps from 180° (empty) to 0° (full).
  const r = 40;
  const a = Math.PI * (1 - v);
  const end = `${50 + r * Math.cos(a)},${50 - r * Math.sin(a)}`;
  return (
    <div className={s.stat}>
      <span className={s.label}>Budget remaining</span>
      <svg
        width={100}
        height={56}
        viewBox="0 0 100 56"
        role="img"
        aria-label={`error budget remaining ${pct(remaining, 1)}`}
        data-testid="slo-budget-gauge"
      >
        <path
          d={`M10,50 A${r},${r} 0 0 1 90,50`}
          fill="none"
          stroke={theme.colors.background.secondary}
          strokeWidth={10}
        />
        {v > 0 && <path d={`M10,50 A${r},${r} 0 0 1 ${end}`} fill="none" stroke={color} strokeWidth={10} />}
      </svg>
      <span className={s.big} data-testid="slo-budget" style={{ color }}>
        {pct(remaining, 1)}
      </span>
    </div>
  );
}

function BurnDown({ points, width, timeZone }: { points: BudgetPoint[]; width: number; timeZone: TimeZone }) {
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const frame = useMemo<DataFrame>(
    () => ({
      length: points.length,
      fields: [
        { name: 'Time', type: FieldType.time, values: points.map((p) => p.time), config: {} },
        {
          name: 'Budget remaining',
          type: FieldType.number,
          values: points.map((p) => p.budgetRemaining),
          config: { unit: 'percentunit' },
        },
      ],
    }),
    [points]
  );
  const vals = points.map((p) => p.budgetRemaining).filter((v): v is number => v !== null && Number.isFinite(v));
  // 0 (budget spent) and 1 (untouched) always in view, so the line reads against both.
  const yRange: [number, number] = [Math.min(0, ...vals), Math.max(1, ...vals)];
  return (
    <div>
      <span className={s.label}>Error budget burn-down</span>
      <TimeSeriesChart
        frame={frame}
        styles={{ 'Budget remaining': { color: theme.colors.primary.main, width: 2 } }}
        width={Math.max(200, width)}
        height={130}
        timeZone={timeZone}
        yRange={yRange}
        unit="percentunit"
        decimals={0}
        legend={false}
        thresholds={{
          mode: ThresholdsMode.Absolute,
          steps: [
            { value: -Infinity, color: 'transparent' },
            { value: 0, color: theme.colors.error.main },
          ],
        }}
        testId="slo-burndown"
        ariaLabel="error budget burn-down"
      />
    </div>
  );
}

function BurnRates({ rates }: { rates: BurnRate[] }) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  return (
    <table className={s.table} data-testid="slo-burnrates">
      <thead>
        <tr>
          <th>Window</th>
          <th>Burn rate</th>
          <th>Alert threshold</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rates.map((b) => {
          const firing = b.rate >= b.threshold;
          const w = Math.min(100, (b.rate / Math.max(b.threshold, 1e-9)) * 100);
          return (
            <tr key={b.window} data-testid="slo-burnrate-row">
              <td>{b.window}</td>
              <td style={{ color: firing ? theme.colors.error.text : undefined }}>{b.rate.toFixed(2)}×</td>
              <td>{b.threshold.toFixed(1)}×</td>
              <td className={s.barCell}>
                <div className={s.barTrack} title={`${w.toFixed(0)}% of threshold`}>
                  <div
                    className={cx(s.bar)}
                    style={{ width: `${w}%`, background: firing ? theme.colors.error.main : theme.colors.success.main }}
                  />
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  thin: css({
    padding: theme.spacing(0.5, 1),
    borderLeft: `3px solid ${theme.colors.warning.border}`,
    background: theme.colors.background.secondary,
  }),
  root: css({ overflow: 'auto', display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  card: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1, 1.5),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  header: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center', flexWrap: 'wrap' }),
  row: css({ display: 'flex', gap: theme.spacing(3), flexWrap: 'wrap', alignItems: 'flex-end' }),
  stat: css({ display: 'flex', flexDirection: 'column', alignItems: 'flex-start' }),
  label: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  big: css({ fontSize: theme.typography.h3.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  muted: css({ color: theme.colors.text.secondary }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.25, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  barCell: css({ width: '40%' }),
  barTrack: css({ height: 8, background: theme.colors.background.secondary, borderRadius: 4 }),
  bar: css({ height: 8, borderRadius: 4 }),
});
