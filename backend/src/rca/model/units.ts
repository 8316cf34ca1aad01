// Human units for evidence text: durations from the input's time unit (the model is told how many seconds
// one timestamp unit is), and values from the metric's unit suffix (Prometheus/OpenTelemetry naming:
// `_seconds`, `_bytes`, `_ratio`, `_percent`). Unknown units print as plain numbers.

export type ValueUnit = 'seconds' | 'milliseconds' | 'bytes' | 'ratio' | 'percent' | 'none';

/**
 * The unit of a metric's values, from the conventional suffixes. Counters (`_total`) and rates
 * (`per_second`) are usually shown as rates, whose unit is not the name's: those stay unitless.
 */
export function valueUnitOf(metric: string): ValueUnit {
  const m = metric.toLowerCase();
  if (/_total($|[_.])|per_(second|sec|s)($|[_.])/.test(m)) return 'none';
  // A statistic suffix (`_p95`, `_avg`, `_max`) may follow the unit; the unit word anywhere counts.
  if (/(^|[_.])(seconds?|secs?)($|[_.])/.test(m)) return 'seconds';
  if (/(^|[_.])(milliseconds?|millis|ms)($|[_.])/.test(m)) return 'milliseconds';
  if (/(^|[_.])bytes($|[_.])/.test(m)) return 'bytes';
  if (/(^|[_.])(ratio|fraction|utili[sz]ation)($|[_.])/.test(m)) return 'ratio';
  if (/(^|[_.])(percent|percentage|pct)($|[_.])/.test(m)) return 'percent';
  return 'none';
}

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(2) : String(Math.round(x * 1000) / 1000);
}

const short = (x: number) => String(Math.round(x * 10) / 10);

/** A duration in seconds, in the largest unit that keeps it readable ("450 ms", "2.5 min", "3 h"). */
export function formatDuration(seconds: number): string {
  const a = Math.abs(seconds);
  if (a < 1) return `${Math.round(seconds * 1000)} ms`;
  if (a < 90) return `${short(seconds)} s`;
  if (a < 90 * 60) return `${short(seconds / 60)} min`;
  if (a < 36 * 3600) return `${short(seconds / 3600)} h`;
  return `${short(seconds / 86400)} d`;
}

const BYTES = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A value in its metric's unit ("1.2 s", "35 ms", "512 MiB", "2.5%"); plain number when the unit is unknown. */
export function formatValue(x: number, unit: ValueUnit, magnitude = Math.abs(x)): string {
  if (!Number.isFinite(x)) return num(x);
  switch (unit) {
    case 'seconds':
      return formatDuration(x);
    case 'milliseconds':
      return formatDuration(x / 1000);
    case 'bytes': {
      let k = 0;
      let v = x;
      while (Math.abs(v) >= 1024 && k < BYTES.length - 1) (v /= 1024), k++;
      return `${short(v)} ${BYTES[k]}`;
    }
    case 'ratio':
      // A ratio that never exceeds 1 is a fraction; shown in percent (0.012 → 1.2%).
      return magnitude <= 1.0001 ? `${num(x * 100)}%` : num(x);
    case 'percent':
      return `${num(x)}%`;
    default:
      return num(x);
  }
}
