// Shared test data: domain results encoded with the contract's encoders, shaped like the datasource does.
import { LoadingState, getDefaultTimeRange, type DataQueryError, type PanelData } from '@grafana/data';
import {
  budgetHistoryFrame,
  forecastFrame,
  healthScoreFrames,
  rootCauseFrames,
  sloStatusFrames,
  type Forecast,
  type Frame,
  type HealthScore,
  type RootCauseResult,
  type SloStatus,
} from '@foresight/contract';
import { toDataFrame } from '../datasource/shaping';

export const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

export const slo: SloStatus = {
  id: 'checkout-availability',
  service: 'checkout',
  name: 'Checkout availability',
  objective: 0.999,
  sli: 0.99812,
  budgetRemaining: 0.423,
  burnRates: [
    { window: '1h', rate: 16.4, threshold: 14.4 },
    { window: '6h', rate: 2.5, threshold: 6 },
  ],
  secondsToExhaustion: 93784,
  window: '30d',
};

export const health: HealthScore = {
  component: 'payments',
  score: 64.2,
  grade: 'D',
  trend: -7.5,
  categories: [
    { name: 'uptime', weight: 0.3, score: 100 },
    { name: 'performance', weight: 0.25, score: 40 },
    { name: 'errors', weight: 0.25, score: 35 },
    { name: 'resources', weight: 0.2, score: 88 },
  ],
  history: [0, 1, 2, 3].map((i) => ({ time: T0 + i * 60_000, score: 80 - i * 5 })),
};

export function forecast(): Forecast {
  const n = 20;
  const timestamps = Array.from({ length: n }, (_, i) => T0 + i * 3_600_000);
  const hist = (i: number) => (i < 10 ? 50 + i * 3 : null);
  const fc = (i: number) => (i >= 9 ? 50 + i * 3 : null);
  const band = (i: number, w: number) => (i >= 9 ? 50 + i * 3 + w * (i - 8) : null);
  return {
    target: 'disk',
    series: '{service="db"}',
    unit: 'percent',
    timestamps,
    history: timestamps.map((_, i) => hist(i)),
    forecast: timestamps.map((_, i) => fc(i)),
    lo80: timestamps.map((_, i) => band(i, -1)),
    hi80: timestamps.map((_, i) => band(i, 1)),
    lo95: timestamps.map((_, i) => band(i, -2)),
    hi95: timestamps.map((_, i) => band(i, 2)),
    threshold: 95,
    crossingTime: timestamps[15],
    headroom: 0.17,
    recommendation: 'Grow the db volume within 5 days',
  };
}

export const rootCause: RootCauseResult = {
  incident: 'inc-42',
  candidates: [
    {
      component: 'payments',
      metric: 'probe_success',
      score: 0.91,
      onset: T0,
      evidence: 'probe_success went 1 → 0',
      series: 'probe_success{service="payments"}',
    },
    {
      component: 'checkout',
      metric: 'http_requests_total',
      score: 0.55,
      onset: T0 + 60_000,
      evidence: '5xx ratio rose to 30%',
      series: 'rate(http_requests_total{service="checkout",code=~"5.."}[5m])',
    },
  ],
  timeline: [
    { time: T0, component: 'payments', event: 'down' },
    { time: T0 + 60_000, component: 'checkout', event: 'errors rose' },
  ],
};

export function panelData(frames: Frame[], errors: DataQueryError[] = []): PanelData {
  return {
    state: errors.length ? LoadingState.Error : LoadingState.Done,
    series: frames.map((f) => toDataFrame(f, 'A')),
    errors,
    timeRange: getDefaultTimeRange(),
  };
}

export const fixtures = {
  sloFrames: () => [
    ...sloStatusFrames([slo]),
    budgetHistoryFrame(
      slo.id,
      [0, 1, 2].map((i) => ({ time: T0 + i * 3600_000, budgetRemaining: 1 - i * 0.2 }))
    ),
  ],
  healthFrames: () => healthScoreFrames([health]),
  forecastFrames: () => [forecastFrame(forecast())],
  rootCauseFrames: () => rootCauseFrames(rootCause),
};
