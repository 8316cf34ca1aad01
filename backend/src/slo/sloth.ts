// Import of Sloth specs, unchanged: `version: prometheus/v1` files and the Kubernetes
// `apiVersion: sloth.slok.dev/v1, kind: PrometheusServiceLevel` (same model, camelCase fields under `spec`).
// Anything Sloth can say that we cannot generate is reported as a warning (or an error when nothing usable is left).
import { defaultAlertName, defaultAlerting, type Issue, type Labels, type SloDef, type SpecFormat, type TierOptions } from './model.js';
import type { SloWindow } from './model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
function labelsOf(v: unknown): Labels {
  if (!isObj(v)) return {};
  const out: Labels = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
}

/** Field names for the two spellings (file: snake_case, Kubernetes CRD: camelCase). */
const FIELDS = {
  file: { errorQuery: 'error_query', totalQuery: 'total_query', errorRatio: 'error_ratio_query', page: 'page_alert', ticket: 'ticket_alert' },
  k8s: { errorQuery: 'errorQuery', totalQuery: 'totalQuery', errorRatio: 'errorRatioQuery', page: 'pageAlert', ticket: 'ticketAlert' },
} as const;

const KNOWN_SLO = new Set(['name', 'objective', 'description', 'labels', 'sli', 'alerting']);

export interface SlothOptions {
  /** Sloth takes the period from `--default-slo-period` (default 30d), not from the spec. */
  window: SloWindow;
}

/** `body` is the file itself (prometheus/v1) or the CRD's `spec` (sloth.slok.dev/v1). */
export function parseSlothDoc(body: Obj, file: string, format: Extract<SpecFormat, 'sloth/prometheus-v1' | 'sloth/k8s-v1'>, issues: Issue[], o: SlothOptions): SloDef[] {
  const f = format === 'sloth/k8s-v1' ? FIELDS.k8s : FIELDS.file;
  const service = str(body.service);
  if (!service) {
    issues.push({ level: 'error', file, field: 'service', message: 'required string' });
    return [];
  }
  if (!Array.isArray(body.slos) || body.slos.length === 0) {
    issues.push({ level: 'error', file, field: 'slos', message: 'required non-empty list' });
    return [];
  }
  for (const k of Object.keys(body)) {
    if (!['version', 'service', 'labels', 'slos'].includes(k)) issues.push({ level: 'warning', file, field: k, message: 'unknown Sloth field, ignored' });
  }
  const common = labelsOf(body.labels);
  const out: SloDef[] = [];
  body.slos.forEach((raw: unknown, index: number) => {
    const where = { file, slo: isObj(raw) && typeof raw.name === 'string' ? raw.name : `#${index}` };
    if (!isObj(raw)) return void issues.push({ level: 'error', ...where, message: 'SLO must be a mapping' });
    const name = str(raw.name);
    if (!name) return void issues.push({ level: 'error', ...where, field: 'name', message: 'required string' });
    for (const k of Object.keys(raw)) if (!KNOWN_SLO.has(k)) issues.push({ level: 'warning', ...where, field: k, message: 'unknown Sloth field, ignored' });
    const objective = typeof raw.objective === 'number' ? raw.objective : Number.NaN;
    if (Number.isNaN(objective)) return void issues.push({ level: 'error', ...where, field: 'objective', message: 'required number (percent, e.g. 99.9)' });
    const sli = isObj(raw.sli) ? raw.sli : undefined;
    if (!sli) return void issues.push({ level: 'error', ...where, field: 'sli', message: 'required mapping (events, raw or plugin)' });
    let def: SloDef['sli'];
    if (isObj(sli.events)) {
      const errors = str(sli.events[f.errorQuery]);
      const total = str(sli.events[f.totalQuery]);
      if (!errors || !total) {
        return void issues.push({ level: 'error', ...where, field: `sli.events.${errors ? f.totalQuery : f.errorQuery}`, message: 'required PromQL string' });
      }
      def = { kind: 'events', errors, total };
    } else if (isObj(sli.raw)) {
      const q = str(sli.raw[f.errorRatio]);
      if (!q) return void issues.push({ level: 'error', ...where, field: `sli.raw.${f.errorRatio}`, message: 'required PromQL string' });
      def = { kind: 'raw', errorRatio: q };
    } else if (isObj(sli.plugin)) {
      // Plugins are Go code inside Sloth; their queries cannot be reproduced here.
      return void issues.push({
        level: 'warning',
        ...where,
        field: 'sli.plugin',
        message: `SLI plugin '${str(sli.plugin.id) ?? '?'}' cannot be imported (Sloth plugins are Go code); SLO skipped, rewrite it as events or raw`,
      });
    } else {
      return void issues.push({ level: 'error', ...where, field: 'sli', message: 'needs one of events, raw or plugin' });
    }
    const alerting = isObj(raw.alerting) ? raw.alerting : {};
    const base = defaultAlerting(str(alerting.name) ?? defaultAlertName(service, name));
    if (!str(alerting.name)) issues.push({ level: 'warning', ...where, field: 'alerting.name', message: `missing; using '${base.name}'` });
    const alertLabels = labelsOf(alerting.labels);
    const tier = (key: string, dflt: TierOptions): TierOptions => {
      const t = isObj(alerting[key]) ? (alerting[key] as Obj) : {};
      const l = labelsOf(t.labels);
      // Sloth has no severity field: teams put it in labels. Sloth's precedence: the tier's labels over
      // `alerting.labels`, so a severity given once under alerting.labels applies to both tiers.
      const severity = l.severity ?? alertLabels.severity ?? dflt.severity;
      delete l.severity;
      return { enabled: t.disable !== true, severity, labels: l, annotations: labelsOf(t.annotations), for: '' };
    };
    const page = tier(f.page, base.page);
    const ticket = tier(f.ticket, base.ticket);
    out.push({
      id: `${service}-${name}`,
      service,
      name,
      description: str(raw.description) ?? '',
      objective,
      window: o.window,
      sli: def,
      labels: { ...common, ...labelsOf(raw.labels) },
      alerting: {
        ...base,
        labels: alertLabels,
        annotations: labelsOf(alerting.annotations),
        page,
        ticket,
        // A spec that disables both of Sloth's alerts wants no alerts at all.
        noData: { ...base.noData, enabled: page.enabled || ticket.enabled },
      },
      source: { file, format, index },
    });
  });
  return out;
}
