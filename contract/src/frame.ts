// The small JSON frame the datasource API returns. It maps one-to-one onto Grafana's DataFrame
// (`fields[].values` are plain arrays, time values are unix milliseconds), so the plugin can hand it
// to `createDataFrame` without reshaping.
import { z } from 'zod';

export const fieldTypeSchema = z.enum(['time', 'number', 'string', 'boolean']);
export type FieldType = z.infer<typeof fieldTypeSchema>;

export const fieldSchema = z.object({
  name: z.string().min(1),
  type: fieldTypeSchema,
  values: z.array(z.unknown()),
  labels: z.record(z.string()).optional(),
  unit: z.string().optional(),
});
export type Field = z.infer<typeof fieldSchema>;

export const frameMetaSchema = z
  .object({
    /** Which domain shape the frame encodes (see `frames.ts`), e.g. `foresight.sloStatus`. */
    type: z.string().optional(),
    /** Scalars that belong to the whole frame (thresholds, recommendation …): Grafana's `meta.custom`. */
    custom: z.record(z.unknown()).optional(),
    notices: z.array(z.object({ severity: z.enum(['info', 'warning', 'error']), text: z.string() })).optional(),
  })
  .passthrough();

export const frameSchema = z
  .object({
    name: z.string().optional(),
    refId: z.string().optional(),
    fields: z.array(fieldSchema),
    meta: frameMetaSchema.optional(),
  })
  .superRefine((f, ctx) => {
    // Grafana requires every field of a frame to have the same length.
    const n = f.fields[0]?.values.length ?? 0;
    f.fields.forEach((fld, i) => {
      if (fld.values.length !== n) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['fields', i, 'values'],
          message: `field '${fld.name}' has ${fld.values.length} values but field '${f.fields[0]?.name}' has ${n}`,
        });
      }
    });
  });
export type Frame = z.infer<typeof frameSchema>;

/** The structural subset of a frame the decoders read: satisfied by `Frame` and by Grafana's `DataFrame`. */
export interface FrameLike {
  name?: string;
  fields: ReadonlyArray<{ name: string; values: ArrayLike<unknown>; labels?: Record<string, string> }>;
  meta?: { type?: string; custom?: Record<string, unknown> };
}
