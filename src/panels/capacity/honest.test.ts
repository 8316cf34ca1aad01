import type { Forecast } from '@foresight/contract';
import { honestForecast, spanText } from './honest';

const H = 3_600_000;
/** `hist` hours of history ending at hour hist-1, then `ahead` hours of forecast with bands ±w80/±w95 per hour. */
function fc(hist: number, ahead: number, o: { base?: number; w80?: number; w95?: number } = {}): Forecast {
  const n = hist + ahead;
  const base = o.base ?? 10;
  const ts = Array.from({ length: n }, (_, i) => i * H);
  const f = (i: number, w: number) => (i >= hist ? base + i + w * (i - hist + 1) : null);
  return {
    target: 't',
    timestamps: ts,
    history: ts.map((_, i) => (i < hist ? base + i : null)),
    forecast: ts.map((_, i) => f(i, 0)),
    lo80: ts.map((_, i) => f(i, -(o.w80 ?? 1))),
    hi80: ts.map((_, i) => f(i, o.w80 ?? 1)),
    lo95: ts.map((_, i) => f(i, -(o.w95 ?? 2))),
    hi95: ts.map((_, i) => f(i, o.w95 ?? 2)),
    headroom: null,
    recommendation: '',
  };
}

describe('honestForecast', () => {
  test('the horizon is cut to the history span and the missing history is named', () => {
    const h = honestForecast(fc(3, 24), { threshold: null }); // 2 h of history (hour 0..2), 24 h ahead
    expect(h.historyMs).toBe(2 * H);
    expect(h.horizonMs).toBe(24 * H);
    expect(h.shownHorizonMs).toBe(2 * H);
    expect(h.moreHistoryForHorizonMs).toBe(22 * H);
    expect(Math.max(...h.fc.timestamps)).toBe(4 * H);
  });
  test('enough history keeps the whole horizon and allows advice after a season', () => {
    const h = honestForecast(fc(26, 10), { threshold: null });
    expect(h.moreHistoryForHorizonMs).toBe(0);
    expect(h.fc.timestamps.length).toBe(36);
    expect(h.moreHistoryForAdviceMs).toBe(0);
    expect(honestForecast(fc(10, 2), { threshold: null }).moreHistoryForAdviceMs).toBe(15 * H);
  });
  test('y range from data, threshold and the 80% band; the 95% band is clipped and reported', () => {
    const h = honestForecast(fc(10, 5, { w80: 1, w95: 100 }), { threshold: 30 });
    const [lo, hi] = h.yRange!;
    expect(lo).toBeLessThanOrEqual(10);
    expect(hi).toBeGreaterThanOrEqual(30);
    expect(hi).toBeLessThan(40);
    expect(h.clipped95?.high).toBeGreaterThan(400);
  });
  test('a quantity never below zero keeps its bands at or above zero', () => {
    const h = honestForecast(fc(10, 5, { base: 1, w80: 30, w95: 60 }), { threshold: null });
    expect(Math.min(...h.fc.lo80.filter((v): v is number => v !== null))).toBe(0);
    expect(Math.min(...h.fc.lo95.filter((v): v is number => v !== null))).toBe(0);
    expect(h.yRange![0]).toBe(0);
  });
  test('field config min/max win', () => {
    expect(honestForecast(fc(10, 5), { threshold: null, min: 0, max: 100 }).yRange).toEqual([0, 100]);
  });
  test('spans read as text', () => {
    expect(spanText(90 * 60_000)).toBe('1 h 30 min');
    expect(spanText(26 * H)).toBe('1 d 2 h');
    expect(spanText(90_000)).toBe('2 min');
  });
});
