// Prometheus text exposition format (0.0.4): the metric families the simulator produces, rendered
// for GET /metrics, and a small parser so tests (and offline tools) can read the text back.

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSample {
  /** full series name, e.g. http_request_duration_seconds_bucket */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: MetricSample[];
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function renderExposition(families: MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels);
      const l = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
      out.push(`${s.name}${l} ${formatValue(s.value)}`);
    }
  }
  return out.join('\n') + '\n';
}

export interface ParsedExposition {
  help: Map<string, string>;
  types: Map<string, string>;
  samples: MetricSample[];
}

const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

/** Parses the text format; throws naming the line number on anything malformed. */
export function parseExposition(text: string): ParsedExposition {
  const help = new Map<string, string>();
  const types = new Map<string, string>();
  const samples: MetricSample[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m) (m[1] === 'HELP' ? help : types).set(m[2], m[3]);
      return;
    }
    const m = SAMPLE_RE.exec(line);
    if (!m) throw new Error(`exposition line ${i + 1}: cannot parse ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[3]) {
      LABEL_RE.lastIndex = 0;
      let pos = 0;
      let lm: RegExpExecArray | null;
      while ((lm = LABEL_RE.exec(m[3])) !== null) {
        labels[lm[1]] = lm[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        pos = LABEL_RE.lastIndex;
      }
      if (pos !== m[3].length) throw new Error(`exposition line ${i + 1}: bad labels ${JSON.stringify(m[3])}`);
    }
    const v = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    if (Number.isNaN(v) && m[4] !== 'NaN') throw new Error(`exposition line ${i + 1}: bad value ${JSON.stringify(m[4])}`);
    samples.push({ name: m[1], labels, value: v });
  });
  return { help, types, samples };
}
