// Budgets for the work one request may cause (config `limits`), the per-request scope that cancels its
// Prometheus work when the client goes away or the deadline passes, and the shared gate that bounds how
// many Prometheus requests run at once (with a bounded queue), so one huge request cannot starve the
// scheduler. Every refusal names the limit that caused it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { z } from 'zod';

const count = (def: number, max = 1_000_000) => z.number({ invalid_type_error: 'must be a number' }).int('must be an integer').min(1, 'must be >= 1').max(max, `must be <= ${max}`).default(def);

export const limitsSchema = z
  .object({
    /** JSON/YAML body size per API feature (`/api/<feature>`), in bytes; `default` for the others */
    bodyBytes: z.record(z.number().int().min(1024, 'must be >= 1024 bytes')).default({}),
    /** queries in one POST /api/ds/query */
    queriesPerRequest: count(50, 10_000),
    /** maxDataPoints a datasource query may ask for (larger values are clamped to this) */
    maxDataPoints: count(11_000),
    /** series one Prometheus answer may hold */
    seriesPerQuery: count(5_000),
    /** widest time range a request may look back over, in days */
    lookbackDays: count(400, 100_000),
    /** widest window one RCA investigation may cover, in hours */
    investigationWindowHours: count(168, 100_000),
    /** wall time of one RCA investigation, in seconds */
    investigationSeconds: count(120, 86_400),
    /** wall time of any other API request's Prometheus work, in seconds */
    requestSeconds: count(60, 86_400),
    /** how often SLO status, budgets and burn rates are recomputed to be served from memory, in seconds (0: per request) */
    sloRefreshSeconds: z.number({ invalid_type_error: 'must be a number' }).int('must be an integer').min(0, 'must be >= 0').max(3_600, 'must be <= 3600').default(15),
    prometheus: z
      .object({
        /** Prometheus requests in flight at once, across the whole companion */
        concurrency: count(8, 1_000),
        /** requests waiting for a slot; beyond this they are refused (503) */
        queue: count(500, 100_000),
      })
      .strict()
      .default({}),
    webhook: z
      .object({
        alertsPerPayload: count(1_000, 100_000),
        labelsPerAlert: count(64, 10_000),
        /** longest label name or value, and annotation value, in bytes */
        labelBytes: count(4_096, 1_000_000),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

export type Limits = z.output<typeof limitsSchema>;

export const DEFAULT_BODY_BYTES: Record<string, number> = { default: 1024 * 1024, slo: 5 * 1024 * 1024, alerting: 2 * 1024 * 1024 };

/** The body limit for `/api/<feature>`. */
export function bodyLimit(limits: Limits | undefined, feature: string): number {
  const own = limits?.bodyBytes ?? {};
  return own[feature] ?? DEFAULT_BODY_BYTES[feature] ?? own.default ?? DEFAULT_BODY_BYTES.default!;
}

/** A refusal with its HTTP status (express error handlers read `status`). */
export class LimitError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Scope {
  signal: AbortSignal;
}
const scopes = new AsyncLocalStorage<Scope>();

/** The abort signal of the API request this code runs for, if any (background jobs have none). */
export function currentSignal(): AbortSignal | undefined {
  return scopes.getStore()?.signal;
}

/** Runs `fn` with a tighter deadline (still cancelled with the request); `what` names the limit in the error. */
export async function withDeadline<T>(seconds: number, what: string, fn: () => Promise<T>): Promise<T> {
  const outer = currentSignal();
  const timeout = AbortSignal.timeout(seconds * 1000);
  const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
  try {
    return await scopes.run({ signal }, fn);
  } catch (err) {
    if (timeout.aborted) throw new LimitError(503, `${what}: stopped after ${seconds} s (limit ${what})`);
    throw err;
  }
}

/**
 * Gives each API request an abort signal, fired when the client disconnects before the answer is sent or
 * when `limits.requestSeconds` pass; the Prometheus client reads it and stops (also waiting in the queue).
 */
export function requestScope(limits: Limits): RequestHandler {
  return (req, res, next) => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(new LimitError(503, `request stopped after limits.requestSeconds (${limits.requestSeconds} s)`)), limits.requestSeconds * 1000);
    timer.unref();
    res.on('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) ctrl.abort(new Error('the client closed the request'));
    });
    scopes.run({ signal: ctrl.signal }, next);
  };
}

/**
 * Bounded concurrency with a bounded queue. Background work (no request scope: the schedulers) waits in
 * its own line, served first, so a flood of API requests cannot starve the cadence that keeps figures fresh.
 */
export class Gate {
  private active = 0;
  private readonly waiting: { go: () => void; fail: (e: Error) => void }[] = [];
  private readonly background: { go: () => void; fail: (e: Error) => void }[] = [];

  constructor(
    readonly concurrency: number,
    readonly queue: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length + this.background.length;
  }

  /** `background`: work no client waits for (served before queued API requests; same queue bound). */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal, background = false): Promise<T> {
    if (signal?.aborted) throw abortError(signal);
    if (this.active >= this.concurrency) {
      if (this.queued >= this.queue) {
        throw new LimitError(503, `prometheus: ${this.queue} requests already waiting (limits.prometheus.queue); try again shortly`);
      }
      const line = background ? this.background : this.waiting;
      await new Promise<void>((resolve, reject) => {
        const entry = { go: resolve, fail: reject };
        line.push(entry);
        signal?.addEventListener(
          'abort',
          () => {
            const i = line.indexOf(entry);
            if (i >= 0) {
              line.splice(i, 1);
              reject(abortError(signal));
            }
          },
          { once: true },
        );
      });
    } else {
      this.active++;
    }
    try {
      return await fn();
    } finally {
      const nextUp = this.background.shift() ?? this.waiting.shift();
      // The slot passes straight to the next waiter (active stays the same), else it is freed.
      if (nextUp) nextUp.go();
      else this.active--;
    }
  }
}

export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new Error('request cancelled');
}

/**
 * Alertmanager webhook caps, checked before anything is stored: too many alerts is 413 (split the
 * payload: Alertmanager's max_alerts), too many or too long labels 422. Shape errors are left to the
 * webhook's own schema.
 */
export function checkWebhookCaps(body: unknown, caps: Limits['webhook']): void {
  const alerts = (body as { alerts?: unknown } | null | undefined)?.alerts;
  if (!Array.isArray(alerts)) return;
  if (alerts.length > caps.alertsPerPayload) {
    throw new LimitError(413, `webhook: ${alerts.length} alerts in one payload, over limits.webhook.alertsPerPayload (${caps.alertsPerPayload}); set max_alerts on the Alertmanager webhook`);
  }
  const long = (s: unknown): boolean => typeof s === 'string' && Buffer.byteLength(s) > caps.labelBytes;
  alerts.forEach((a: unknown, i: number) => {
    for (const field of ['labels', 'annotations'] as const) {
      const m = (a as Record<string, unknown> | null)?.[field];
      if (typeof m !== 'object' || m === null) continue;
      const entries = Object.entries(m);
      if (field === 'labels' && entries.length > caps.labelsPerAlert) {
        throw new LimitError(422, `webhook: alerts[${i}] has ${entries.length} labels, over limits.webhook.labelsPerAlert (${caps.labelsPerAlert})`);
      }
      for (const [k, v] of entries) {
        if (long(k) || long(v)) throw new LimitError(422, `webhook: alerts[${i}].${field}.${k.slice(0, 40)} is over limits.webhook.labelBytes (${caps.labelBytes} bytes)`);
      }
    }
  });
  const common = body as Record<string, unknown>;
  for (const field of ['groupLabels', 'commonLabels', 'commonAnnotations'] as const) {
    const m = common[field];
    if (typeof m !== 'object' || m === null) continue;
    for (const [k, v] of Object.entries(m)) {
      if (long(k) || long(v)) throw new LimitError(422, `webhook: ${field}.${k.slice(0, 40)} is over limits.webhook.labelBytes (${caps.labelBytes} bytes)`);
    }
  }
}
