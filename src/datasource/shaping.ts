// Pure request building and response shaping for the companion datasource (no React, no Grafana
// services): Grafana queries → contract request, contract response → DataFrames + per-query errors.
import { createDataFrame, FieldType, type DataFrame, type DataQueryError } from '@grafana/data';
import {
  describeZodError,
  querySchema,
  dsQueryResponseSchema,
  type DsQueryRequest,
  type Frame,
  type Query,
} from '@foresight/contract';
import type { FsQuery } from './types';

/** Replaces template variables in a string (Grafana's templateSrv.replace, injected for purity). */
export type Interpolate = (value: string) => string;

const STRING_KEYS = ['slo', 'service', 'component', 'target', 'series', 'horizon', 'incident'] as const;

/** Interpolates template variables in every string option of a query; empty strings become absent. */
export function interpolateQuery(q: FsQuery, interpolate: Interpolate): FsQuery {
  const out: FsQuery & Record<string, unknown> = { ...q };
  for (const k of STRING_KEYS) {
    const v = out[k];
    if (typeof v === 'string') {
      const r = interpolate(v).trim();
      if (r === '') {
        delete out[k];
      } else {
        out[k] = r;
      }
    }
  }
  return out;
}

export interface BuiltRequest {
  request: DsQueryRequest | null;
  /** Queries that cannot be sent as they are (missing required fields), reported per refId. */
  errors: DataQueryError[];
}

/**
 * Builds the body of `POST /api/ds/query`. Each query is checked against the contract on its own,
 * so one half-filled query in the editor does not stop the others.
 */
export function buildRequest(
  targets: FsQuery[],
  range: { from: number; to: number },
  maxDataPoints: number | undefined,
  interpolate: Interpolate
): BuiltRequest {
  const errors: DataQueryError[] = [];
  const queries: Query[] = [];
  for (const t of targets) {
    if (t.hide) {
      continue;
    }
    const q = interpolateQuery({ ...t, queryType: t.queryType ?? 'sloStatus' }, interpolate);
    const { datasource: _ds, key: _key, ...rest } = q as FsQuery & { key?: string };
    const parsed = querySchema.safeParse(rest);
    if (parsed.success) {
      queries.push(parsed.data);
    } else {
      errors.push({ refId: t.refId, message: `query ${t.refId}: ${describeZodError(parsed.error)}` });
    }
  }
  if (queries.length === 0) {
    return { request: null, errors };
  }
  const request: DsQueryRequest = { range: { from: Math.floor(range.from), to: Math.ceil(range.to) }, queries };
  if (maxDataPoints && maxDataPoints > 0) {
    request.maxDataPoints = Math.floor(maxDataPoints);
  }
  return { request, errors };
}

const FIELD_TYPES: Record<Frame['fields'][number]['type'], FieldType> = {
  time: FieldType.time,
  number: FieldType.number,
  string: FieldType.string,
  boolean: FieldType.boolean,
};

/** One contract frame → one Grafana DataFrame (same fields, values, labels, unit; meta kept). */
export function toDataFrame(frame: Frame, refId: string): DataFrame {
  return createDataFrame({
    name: frame.name,
    refId,
    meta: frame.meta as DataFrame['meta'],
    fields: frame.fields.map((f) => ({
      name: f.name,
      type: FIELD_TYPES[f.type],
      values: f.values,
      labels: f.labels,
      config: f.unit ? { unit: f.unit } : {},
    })),
  });
}

export interface ShapedResponse {
  data: DataFrame[];
  errors: DataQueryError[];
}

/** Parses the companion's answer (validating it against the contract) into frames and per-refId errors. */
export function shapeResponse(body: unknown): ShapedResponse {
  const parsed = dsQueryResponseSchema.safeParse(body);
  if (!parsed.success) {
    return {
      data: [],
      errors: [{ message: `the companion's response does not match the contract: ${describeZodError(parsed.error)}` }],
    };
  }
  const data: DataFrame[] = [];
  const errors: DataQueryError[] = [];
  for (const [refId, result] of Object.entries(parsed.data.results)) {
    if ('error' in result) {
      errors.push({ refId, message: result.error });
    } else {
      data.push(...result.frames.map((f) => toDataFrame(f, refId)));
    }
  }
  return { data, errors };
}

/** Options answer → Grafana's MetricFindValue list. */
export function shapeOptions(body: unknown): Array<{ text: string; value: string }> {
  const opts = (body as { options?: Array<{ value?: unknown; text?: unknown }> } | null)?.options;
  if (!Array.isArray(opts)) {
    throw new Error('the companion answered the options request without an `options` list');
  }
  return opts
    .filter((o) => typeof o.value === 'string')
    .map((o) => ({ value: String(o.value), text: typeof o.text === 'string' ? o.text : String(o.value) }));
}

/** Parses a variable query such as `slos`, `services` or `{"kind":"targets"}` into an option kind. */
export function parseVariableQuery(query: unknown): 'services' | 'slos' | 'targets' | 'components' {
  const raw =
    typeof query === 'string'
      ? query.trim()
      : typeof query === 'object' && query !== null
        ? String((query as { kind?: unknown; query?: unknown }).kind ?? (query as { query?: unknown }).query ?? '')
        : '';
  const kind = raw.replace(/^options\//, '');
  if (kind === 'services' || kind === 'slos' || kind === 'targets' || kind === 'components') {
    return kind;
  }
  throw new Error(`unknown variable query '${raw}': use one of services, slos, targets, components`);
}
