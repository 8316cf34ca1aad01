// The one normalized SLO model. Every input format (ours, Sloth, OpenSLO) is converted to `SloDef`; rule
// generation, validation and budgets only ever see this shape.

import type { BurnTier } from './burn.js';

export type Labels = Record<string, string>;

/** Rolling windows are Prometheus day/week durations; calendar windows are budgeted per month/quarter. */
export type SloWindow =
  | { kind: 'rolling'; text: string; days: number }
  | { kind: 'calendar'; unit: 'month' | 'quarter'; text: string; days: number };

/**
 * SLI kinds. Queries carry `{{.window}}` placeholders (Sloth's syntax) where a range is needed.
 * - events: errors/total (or good/total) of counters; window ratios can be computed from summed counts.
 * - latency: fraction of a histogram above a threshold (classic `_bucket{le}` or native `histogram_fraction`).
 * - availability: a 0/1 gauge such as `up` or `probe_success`; each sample is one event.
 * - raw: a ready error-ratio query; no counts, so long windows can only average the short ratios.
 */
export type SliDef =
  | { kind: 'events'; errors?: string; good?: string; total: string }
  | { kind: 'latency'; metric: string; selector: string; threshold: number; native: boolean }
  | { kind: 'availability'; metric: string; selector: string }
  | { kind: 'raw'; errorRatio: string };

export interface TierOptions {
  enabled: boolean;
  severity: string;
  labels: Labels;
  annotations: Labels;
  /** Prometheus `for:` duration; '' means none (the SRE workbook alerts need none). */
  for: string;
}

export interface AlertingDef {
  /** Alert name shared by the page and ticket alerts (Sloth's convention); tiers differ by labels. */
  name: string;
  labels: Labels;
  annotations: Labels;
  runbookUrl?: string;
  dashboardUrl?: string;
  /** Do not alert unless the long window saw at least this many events (0 = no guard). */
  minEvents: number;
  page: TierOptions;
  ticket: TierOptions;
  /** Multi-window conditions replacing the workbook's (Sloth AlertWindows for this SLO's period); absent = workbook. */
  windows?: BurnTier[];
  /** Alert once this fraction of the period's budget is consumed (0.7 = 70%). */
  budget: { enabled: boolean; consumed: number; severity: string; for: string };
  /**
   * "SLI has no data" warning: fires when the SLI's total query returns no series for `for` (zero traffic ever, or
   * a wrong metric name), where the ratios read 0 errors and the SLO would look perfect. On unless opted out.
   */
  noData: { enabled: boolean; name: string; for: string; severity: string };
}

export interface SloDef {
  /** `<service>-<name>`, Sloth's id; unique across everything loaded together. */
  id: string;
  service: string;
  name: string;
  description: string;
  /** Percent, 0 < objective < 100 (e.g. 99.9). */
  objective: number;
  window: SloWindow;
  sli: SliDef;
  labels: Labels;
  alerting: AlertingDef;
  /** Where it came from, so errors can point back to the file and format. */
  source: { file: string; format: SpecFormat; index: number };
}

export type SpecFormat = 'foresight/v1' | 'sloth/prometheus-v1' | 'sloth/k8s-v1' | 'openslo/v1' | 'openslo/v1alpha' | 'pyrra/v1alpha1';

/** One finding about an input: errors stop generation, warnings report what an import cannot express. */
export interface Issue {
  level: 'error' | 'warning';
  file: string;
  slo?: string;
  field?: string;
  message: string;
}

export function formatIssue(i: Issue): string {
  const where = [i.file, i.slo ? `slo '${i.slo}'` : '', i.field ? `field '${i.field}'` : ''].filter(Boolean).join(': ');
  return `${i.level}: ${where}: ${i.message}`;
}

export class SpecError extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.filter((i) => i.level === 'error').map(formatIssue).join('\n'));
    this.name = 'SpecError';
  }
}

export function defaultTier(severity: string): TierOptions {
  return { enabled: true, severity, labels: {}, annotations: {}, for: '' };
}

export function defaultAlerting(name: string): AlertingDef {
  return {
    name,
    labels: {},
    annotations: {},
    minEvents: 0,
    page: defaultTier('critical'),
    ticket: defaultTier('warning'),
    // Opt-in per SLO: a fresh rule set has too little history for a period-long figure to mean much.
    budget: { enabled: false, consumed: 0.7, severity: 'warning', for: '' },
    noData: { enabled: true, name: `${name}NoData`, for: '10m', severity: 'warning' },
  };
}

/** Alert names must be valid Prometheus metric-like names; derive one from service + name. */
export function defaultAlertName(service: string, name: string): string {
  const camel = `${service}-${name}`
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  return /^[A-Za-z_]/.test(camel) ? `${camel}SLOBurn` : `SLO${camel}Burn`;
}
