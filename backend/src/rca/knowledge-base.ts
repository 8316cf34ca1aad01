// The incident knowledge base: past investigations with their ranked causes, the cause an operator
// confirmed and the resolution; searchable by symptom; confirmed causes become priors for new rankings.
import { randomUUID } from 'node:crypto';
import type { StoreLike } from '../health/ports.js';

const MIGRATIONS = [
  `CREATE TABLE rca_incidents (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     incident_time INTEGER NOT NULL,
     title TEXT NOT NULL,
     symptoms TEXT NOT NULL,
     top_component TEXT,
     top_metric TEXT,
     result TEXT NOT NULL,
     confirmed_component TEXT,
     confirmed_metric TEXT,
     resolution TEXT,
     confirmed_at INTEGER
   )`,
  'CREATE INDEX rca_incidents_time ON rca_incidents (incident_time)',
];

export interface IncidentSummary {
  id: string;
  createdAt: number;
  incidentTime: number;
  title: string;
  symptoms: string[];
  topComponent: string | null;
  topMetric: string | null;
  confirmed: { component: string; metric: string | null; resolution: string | null; at: number } | null;
}

interface Row {
  id: string;
  created_at: number;
  incident_time: number;
  title: string;
  symptoms: string;
  top_component: string | null;
  top_metric: string | null;
  result: string;
  confirmed_component: string | null;
  confirmed_metric: string | null;
  resolution: string | null;
  confirmed_at: number | null;
}

export class KnowledgeBase {
  constructor(private readonly store: StoreLike) {
    store.migrate('rca', MIGRATIONS);
  }

  save(o: { incidentTime: number; title: string; symptoms: string[]; topComponent?: string; topMetric?: string; result: unknown }): string {
    const id = randomUUID();
    this.store.db
      .prepare(
        `INSERT INTO rca_incidents (id, created_at, incident_time, title, symptoms, top_component, top_metric, result)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, Math.floor(Date.now() / 1000), Math.floor(o.incidentTime), o.title, ` ${[...new Set(o.symptoms)].join(' ')} `, o.topComponent ?? null, o.topMetric ?? null, JSON.stringify(o.result));
    return id;
  }

  get(id: string): (IncidentSummary & { result: unknown }) | undefined {
    const row = this.store.db.prepare('SELECT * FROM rca_incidents WHERE id = ?').get(id) as Row | undefined;
    return row ? { ...summary(row), result: JSON.parse(row.result) as unknown } : undefined;
  }

  /** Incidents whose symptoms, title or causes mention every word of `symptom` (case-insensitive), newest first. */
  search(o: { symptom?: string; component?: string; limit?: number } = {}): IncidentSummary[] {
    const words = (o.symptom ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const where: string[] = [];
    const args: (string | number)[] = [];
    for (const w of words) {
      where.push(`(lower(symptoms) LIKE ? ESCAPE '\\' OR lower(title) LIKE ? ESCAPE '\\' OR lower(coalesce(resolution, '')) LIKE ? ESCAPE '\\')`);
      const like = `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      args.push(like, like, like);
    }
    if (o.component) {
      where.push('(top_component = ? OR confirmed_component = ?)');
      args.push(o.component, o.component);
    }
    const sql = `SELECT * FROM rca_incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY incident_time DESC LIMIT ?`;
    args.push(Math.min(Math.max(1, o.limit ?? 50), 500));
    return (this.store.db.prepare(sql).all(...args) as Row[]).map(summary);
  }

  confirm(id: string, o: { component: string; metric?: string; resolution?: string }): IncidentSummary {
    if (!o.component) throw new Error('confirm: component is required');
    const r = this.store.db
      .prepare('UPDATE rca_incidents SET confirmed_component = ?, confirmed_metric = ?, resolution = ?, confirmed_at = ? WHERE id = ?')
      .run(o.component, o.metric ?? null, o.resolution ?? null, Math.floor(Date.now() / 1000), id);
    if (r.changes === 0) throw new Error(`no incident with id '${id}'`);
    return this.search({ limit: 500 }).find((x) => x.id === id)!;
  }

  /**
   * Priors from confirmed past incidents that shared at least one symptom with the current one: each
   * component gets 1 + (share of those incidents confirmed as caused by it), so at most ×2; the same for
   * `component/metric`. Without similar confirmed incidents the result is empty (neutral).
   */
  priors(symptoms: string[]): Record<string, number> {
    const rows = this.store.db
      .prepare('SELECT symptoms, confirmed_component, confirmed_metric FROM rca_incidents WHERE confirmed_component IS NOT NULL ORDER BY incident_time DESC LIMIT 500')
      .all() as Pick<Row, 'symptoms' | 'confirmed_component' | 'confirmed_metric'>[];
    const want = new Set(symptoms);
    const similar = rows.filter((r) => r.symptoms.trim().split(' ').some((s) => want.has(s)));
    const out: Record<string, number> = {};
    if (!similar.length) return out;
    for (const r of similar) {
      const c = r.confirmed_component!;
      out[c] = (out[c] ?? 1) + 1 / similar.length;
      if (r.confirmed_metric) out[`${c}/${r.confirmed_metric}`] = (out[`${c}/${r.confirmed_metric}`] ?? 1) + 1 / similar.length;
    }
    return out;
  }
}

function summary(r: Row): IncidentSummary {
  return {
    id: r.id,
    createdAt: r.created_at,
    incidentTime: r.incident_time,
    title: r.title,
    symptoms: r.symptoms.trim().split(' ').filter(Boolean),
    topComponent: r.top_component,
    topMetric: r.top_metric,
    confirmed: r.confirmed_component
      ? { component: r.confirmed_component, metric: r.confirmed_metric, resolution: r.resolution, at: r.confirmed_at ?? 0 }
      : null,
  };
}
