// Responses of the datasource API: one entry per refId, either frames or an error for that query only.
import { z } from 'zod';
import { frameSchema } from './frame.js';

export const queryResultSchema = z.union([
  z.object({ frames: z.array(frameSchema) }).strict(),
  z.object({ error: z.string() }).strict(),
]);
export type QueryResult = z.infer<typeof queryResultSchema>;

export const dsQueryResponseSchema = z.object({ results: z.record(queryResultSchema) });
export type DsQueryResponse = z.infer<typeof dsQueryResponseSchema>;

/** `GET /api/info`: what `testDatasource` calls. */
export const infoResponseSchema = z.object({ name: z.string(), version: z.string() }).passthrough();
export type InfoResponse = z.infer<typeof infoResponseSchema>;

/** Turns a zod error into one line naming each failing field, e.g. `queries.0.slo: Required`. */
export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`).join('; ');
}
