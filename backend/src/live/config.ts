// `models:` section of the companion config: what the live scheduler evaluates and how.
//   models:
//     intervalSeconds: 60          # one evaluation cycle
//     concurrency: 4               # targets evaluated at once
//     maxSeriesPerTarget: 500      # series beyond this (after sharding) are dropped and counted
//     maxExportedSeries: 10000     # cardinality cap on the foresight_* series on /metrics
//     replica: { index: 0, count: 1 }   # hashmod sharding of series across companion replicas
//     targets:
//       - { name: checkout-latency, query: 'histogram_quantile(0.99, …)', kind: anomaly, step: 60 }
//       - { name: root-disk, query: 'node_filesystem_size_bytes{mountpoint="/"} - node_filesystem_avail_bytes{mountpoint="/"}', kind: capacity,
//           threshold: 2.0e10, horizon: 86400, within: 86400 }
//     defaultCapacity: { step: 60, lookback: 86400, horizon: 604800 }   # used when `targets` is absent
import { z } from 'zod';
import { REAL_FS } from '../discovery/index.js';

const sensitivitySchema = z.enum(['low', 'medium', 'high']);
const name = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_:.-]*$/, 'must match [a-zA-Z_][a-zA-Z0-9_:.-]*');

export const modelTargetSchema = z
  .object({
    name,
    query: z.string().min(1, 'must be a PromQL expression'),
    kind: z.enum(['anomaly', 'forecast', 'capacity']),
    /** Capacity: the limit; a number, or a PromQL expression giving one value per series (same labels). */
    threshold: z.union([z.number().finite(), z.string().min(1)]).optional(),
    direction: z.enum(['up', 'down']).default('up'),
    /** Forecast / capacity horizon in seconds. */
    horizon: z.number().int().positive().max(366 * 86_400).default(86_400),
    /** Season in steps (0 = none; default detected). */
    season: z.number().int().min(0).optional(),
    /** Query resolution in seconds. */
    step: z.number().int().positive().max(86_400).default(60),
    /** History read for forecast/capacity, and to prime a new anomaly series (seconds). */
    lookback: z.number().int().positive().max(90 * 86_400).optional(),
    /** Anomaly: points of history read to prime a new series (lookback default = warmupPoints * step); the warm-up defaults to their span. */
    warmupPoints: z.number().int().min(8).max(20_000).default(576),
    /** Anomaly: explicit score threshold in (0, 1]; overrides sensitivity. */
    scoreThreshold: z.number().gt(0).lte(1).optional(),
    /** Anomaly: expected false alarms, high ~1 per series-day, medium ~1 per series-week, low ~1 per series-month. */
    sensitivity: sensitivitySchema.default('medium'),
    /** Anomaly: per-series sensitivity, first entry whose labels all match wins. */
    seriesSensitivity: z.array(z.object({ matchLabels: z.record(z.string(), z.string()), sensitivity: sensitivitySchema }).strict()).max(100).default([]),
    /** Anomaly: seconds during which only gross deviations alarm (default 86400). */
    warmupSeconds: z.number().min(0).max(90 * 86_400).optional(),
    /** Anomaly: an episode opens only after the score held this long (default 0). */
    minDurationSeconds: z.number().min(0).max(86_400).optional(),
    /** Anomaly: a shift lasting this long becomes the new normal (default 3600). */
    adaptSeconds: z.number().min(0).max(7 * 86_400).optional(),
    /** Capacity alert horizon used by the generated rule (seconds). */
    within: z.number().int().positive().default(86_400),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.kind === 'capacity' && t.threshold === undefined) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'is required for kind capacity' });
  });

export const modelsConfigSchema = z
  .object({
    intervalSeconds: z.number().positive().max(86_400).default(60),
    concurrency: z.number().int().min(1).max(64).default(4),
    maxSeriesPerTarget: z.number().int().min(1).max(100_000).default(500),
    maxExportedSeries: z.number().int().min(1).max(1_000_000).default(10_000),
    replica: z
      .object({ index: z.number().int().min(0).default(0), count: z.number().int().min(1).default(1) })
      .strict()
      .default({})
      .refine((r) => r.index < r.count, { message: 'replica.index must be < replica.count' }),
    /** Unset: capacity of every host's filesystems (bytes, inodes) and memory from node_exporter (see defaultCapacity). */
    targets: z.array(modelTargetSchema).optional(),
    /** Resolution, history and horizon of the default capacity targets. */
    defaultCapacity: z
      .object({
        step: z.number().int().positive().max(86_400).default(60),
        lookback: z.number().int().positive().max(90 * 86_400).default(86_400),
        horizon: z.number().int().positive().max(366 * 86_400).default(7 * 86_400),
      })
      .strict()
      .default({}),
  })
  .strict()
  .transform(({ targets, ...c }) => ({ ...c, targets: targets ?? defaultCapacityTargets(c.defaultCapacity) }))
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.targets.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: ['targets', i, 'name'], message: `duplicate target name '${t.name}'` });
      seen.add(t.name);
    });
  });

/**
 * What capacity watches with no configuration: node_exporter's filesystems (space and inodes, pseudo
 * filesystems left out) and memory, each against its own size. A stack without node_exporter gets no series.
 */
export function defaultCapacityTargets(o: { step: number; lookback: number; horizon: number }): ModelTarget[] {
  // Through the schema, so every field a configured target would default gets the same default here.
  const t = (name: string, used: string, size: string): ModelTarget =>
    modelTargetSchema.parse({
      name, kind: 'capacity', query: `${size} - ${used}`, threshold: size, direction: 'up',
      horizon: o.horizon, step: o.step, lookback: o.lookback, within: o.horizon,
    });
  return [
    t('filesystem_bytes', `node_filesystem_avail_bytes{${REAL_FS}}`, `node_filesystem_size_bytes{${REAL_FS}}`),
    t('filesystem_inodes', `node_filesystem_files_free{${REAL_FS}}`, `node_filesystem_files{${REAL_FS}}`),
    t('memory_bytes', 'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes'),
  ];
}

export type ModelsConfig = z.infer<typeof modelsConfigSchema>;
export type ModelTarget = z.infer<typeof modelTargetSchema>;

/** Parses `models:`; the error names each bad field as models.<path>: why. */
export function parseModelsConfig(raw: unknown): ModelsConfig {
  const r = modelsConfigSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const msg = r.error.issues.map((i) => `models.${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new Error(`invalid models config: ${msg}`);
}
