// The companion side of the Grafana datasource: `POST /query` and `GET /options/:kind`, mounted by the
// lead under `/api/ds`. The body is validated with the shared contract; each query is answered by the
// provider registered for its type, so a missing or failing provider only fails its own refId.
import express from 'express';
import {
  describeZodError,
  dsQueryRequestSchema,
  frameSchema,
  optionKindSchema,
  type DsQueryResponse,
  type Frame,
  type Option,
  type OptionKind,
  type QueryOf,
  type QueryResult,
  type QueryType,
  type TimeRange,
} from '@foresight/contract';
import type { AppContext } from '../context.js';
import { limitsSchema } from '../http/limits.js';

export type QueryProvider<T extends QueryType> = (
  q: QueryOf<T>,
  range: TimeRange & { maxDataPoints?: number },
  ctx: AppContext
) => Promise<Frame[]>;

export type DatasourceProviders = { [T in QueryType]: QueryProvider<T> } & {
  options(kind: OptionKind, ctx: AppContext): Promise<Option[]>;
};

/** Runs one query through its provider; never throws (errors become that refId's `{error}`). */
export async function answerQuery<T extends QueryType>(
  q: QueryOf<T>,
  range: TimeRange & { maxDataPoints?: number },
  ctx: AppContext,
  providers: Partial<DatasourceProviders>
): Promise<QueryResult> {
  const provider = providers[q.queryType] as QueryProvider<T> | undefined;
  if (!provider) return { error: `query type ${q.queryType} is not available yet` };
  try {
    const frames = await provider(q, range, ctx);
    // Check providers against the contract here, so a drifting provider fails loudly at the source.
    for (const [i, fr] of frames.entries()) {
      const r = frameSchema.safeParse(fr);
      if (!r.success)
        return {
          error: `${q.queryType} provider returned an invalid frame ${i} (${fr.name ?? 'unnamed'}): ${describeZodError(r.error)}`,
        };
    }
    return { frames: frames.map((fr) => ({ ...fr, refId: q.refId })) };
  } catch (err) {
    ctx.log.warn({ err, refId: q.refId, queryType: q.queryType }, 'datasource query failed');
    return { error: `${q.queryType} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function datasourceRouter(ctx: AppContext, providers: Partial<DatasourceProviders>): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.post('/query', async (req, res) => {
    const parsed = dsQueryRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: `invalid datasource query body: ${describeZodError(parsed.error)}` });
      return;
    }
    const { range, queries } = parsed.data;
    const active = queries.filter((q) => !q.hide);
    // Budgets (config `limits`): refuse what would be unbounded work, clamp what can be served smaller.
    const limits = ctx.config?.limits ?? limitsSchema.parse(undefined);
    if (active.length > limits.queriesPerRequest) {
      res.status(422).json({ error: `${active.length} queries in one request: over limits.queriesPerRequest (${limits.queriesPerRequest}); split the request` });
      return;
    }
    const spanDays = (range.to - range.from) / 86_400_000;
    if (spanDays > limits.lookbackDays) {
      res.status(422).json({ error: `time range of ${spanDays.toFixed(1)} days: over limits.lookbackDays (${limits.lookbackDays})` });
      return;
    }
    const maxDataPoints = parsed.data.maxDataPoints === undefined ? undefined : Math.min(parsed.data.maxDataPoints, limits.maxDataPoints);
    const answers = await Promise.all(active.map((q) => answerQuery(q, { ...range, maxDataPoints }, ctx, providers)));
    const body: DsQueryResponse = { results: Object.fromEntries(active.map((q, i) => [q.refId, answers[i]!])) };
    res.json(body);
  });

  router.get('/options/:kind', async (req, res) => {
    const kind = optionKindSchema.safeParse(req.params.kind);
    if (!kind.success) {
      res
        .status(404)
        .json({
          error: `unknown option kind '${req.params.kind}': expected one of ${optionKindSchema.options.join(', ')}`,
        });
      return;
    }
    if (!providers.options) {
      res.json({ options: [] });
      return;
    }
    try {
      res.json({ options: await providers.options(kind.data, ctx) });
    } catch (err) {
      ctx.log.warn({ err, kind: kind.data }, 'datasource options failed');
      res
        .status(502)
        .json({ error: `options ${kind.data} failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  });

  return router;
}
