// /api/alerting: Alertmanager webhook, incidents, feedback and rule quality, remediation audit and
// approvals, routing preview/apply.
//   POST /webhook                      Alertmanager webhook v4 (Bearer = alerting.webhook.secret when set);
//                                      a replay of a processed notification answers 200 {duplicate: true}
//   GET  /incidents?status=&limit=     GET /incidents/:id (with alerts)
//   POST /incidents/:id/ack {by}       POST /incidents/:id/resolve {by}
//   POST /alerts/:id/feedback {verdict: useful|noise, by, note?}
//   GET  /rules/stats                  per-rule fired/precision/noise/MTTR
//   GET  /remediation/audit?limit=&action=&target=
//   GET  /remediation/approvals        POST /remediation/approvals/:id {approve: boolean, by}
//   GET  /routes/preview               the generated fragment (and the merged file when configFile is set)
//   POST /routes/apply                 merge, amtool check, write, reload, verify (rollback on failure)
import { readFile } from 'node:fs/promises';
import { ruleFileLabelSets } from '../alerting/rule-labels.js';
import express from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import YAML from 'yaml';
import { parseAlertingConfig, TIERS, type AlertingConfig, type SecretRef, type Tier } from '../alerting/config.js';
import { escalateDue, postEscalation } from '../alerting/escalation.js';
import { registerAlertingMetrics } from '../alerting/incidents/metrics.js';
import { ConflictError, IncidentService, NotFoundError, type IncidentStatus } from '../alerting/incidents/service.js';
import { WebhookError } from '../alerting/incidents/webhook-schema.js';
import { mergeAlertmanagerConfig } from '../alerting/merge.js';
import { RemediationEngine } from '../alerting/remediation/engine.js';
import { generateAlertmanager } from '../alerting/routes/generate.js';
import { PolicyError } from '../alerting/routes/validate.js';
import type { AlertingStore } from '../alerting/store.js';
import { applyAlertmanagerConfig } from '../alerting/writer.js';
import { DeliveryError } from '../alerting/routing.js';
import { actorOf, requestToken, tokenMatches } from '../http/auth.js';
import { checkWebhookCaps, limitsSchema, type Limits } from '../http/limits.js';

/** The parts of the companion's Config (config/schema.ts) this feature reads. */
interface CompanionConfigSlice {
  alerting?: unknown;
  rules?: { dir?: string };
  slo?: { rulesDir?: string };
  alertmanager?: { url?: string | null; configFile?: string; mimir?: Record<string, unknown> };
  auth?: { token?: string };
}

/** What the router needs from AppContext (shared interface 5), structurally; AppContext satisfies it. */
export interface AlertingRouterContext {
  config: unknown;
  store: AlertingStore;
  prom?: { query(expr: string, time?: number): Promise<unknown[]> };
  log?: Logger;
  registry?: Registry;
}

export interface AlertingServices {
  config: AlertingConfig;
  incidents: IncidentService;
  remediation: RemediationEngine;
  /** Stops the background tick (queue drain, verification, escalation). */
  stop(): void;
}

const services = new WeakMap<object, AlertingServices>();

/** One set of services per context. The lead wires RCA with `alertingServicesFor(ctx).incidents.hooks.onIncidentOpened = …`. */
export function alertingServicesFor(ctx: AlertingRouterContext, o: { now?: () => number; tickMs?: number } = {}): AlertingServices {
  const existing = services.get(ctx);
  if (existing) return existing;
  const raw = (ctx.config ?? {}) as CompanionConfigSlice;
  const config = parseAlertingConfig(raw.alerting);
  // The companion config's top-level `alertmanager:` (url, configFile, mimir) is the default for ours.
  config.alertmanager.url ??= raw.alertmanager?.url ?? undefined;
  config.alertmanager.configFile ??= raw.alertmanager?.configFile;
  const m = raw.alertmanager?.mimir;
  if (!config.alertmanager.mimir && typeof m?.url === 'string' && typeof m.tenant === 'string') config.alertmanager.mimir = { url: m.url, tenant: m.tenant };
  const log = ctx.log?.child({ component: 'alerting' });
  const tierOf = (severity: string | undefined): Tier | undefined => TIERS.find((t) => severity !== undefined && config.tiers[t].severities.includes(severity));
  const remediation = new RemediationEngine({
    config: config.remediation,
    store: ctx.store,
    now: o.now,
    log,
    query: ctx.prom ? (e) => ctx.prom!.query(e) : undefined,
    // The action did not help: page through the tier's escalation route (escalate="true"), as for unacked incidents.
    onEscalate: async (i) => {
      log?.warn({ action: i.action, target: i.target, reason: i.reason }, 'remediation did not help; escalating');
      if (config.alertmanager.url)
        await postEscalation(config.alertmanager.url, [{ labels: i.alert.labels, annotations: { ...i.alert.annotations, foresight_remediation: `${i.action} did not help: ${i.reason}` }, generatorURL: i.alert.generatorURL }]);
    },
  });
  const incidents = new IncidentService({
    store: ctx.store,
    now: o.now,
    log,
    groupWindowMs: config.webhook.groupWindowMinutes * 60_000,
    dependencies: new Map(config.services.map((s) => [s.name, s.dependsOn])),
    hooks: { onAlertFiring: async (a) => void (await remediation.handleAlert(a, tierOf(a.labels.severity))) },
  });
  if (ctx.registry) registerAlertingMetrics(ctx.registry, incidents);
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      await remediation.tick();
      if (config.alertmanager.url) await escalateDue({ config, incidents, alertmanagerUrl: config.alertmanager.url, log });
    })()
      .catch((e: Error) => log?.error({ err: e.message }, 'alerting tick failed'))
      .finally(() => (busy = false));
  }, o.tickMs ?? 1000);
  timer.unref();
  const s: AlertingServices = { config, incidents, remediation, stop: () => clearInterval(timer) };
  services.set(ctx, s);
  return s;
}

async function readSecret(ref: SecretRef): Promise<string | undefined> {
  if ('env' in ref) return process.env[ref.env];
  return (await readFile(ref.file, 'utf8')).trim();
}

// The audit actor is the authenticated identity (set by the token check), never a body field or a free header.
const actor = (req: express.Request): string => actorOf(req.res!);
const intParam = (v: string | undefined, what: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new HttpError(400, `${what}: must be a positive integer, got '${v}'`);
  return n;
};
class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function alertingRouter(ctx: AlertingRouterContext): express.Router {
  const s = alertingServicesFor(ctx);
  const r = express.Router();
  r.use(express.json({ limit: '2mb' }));

  const apiToken = (ctx.config as CompanionConfigSlice | undefined)?.auth?.token;
  r.post('/webhook', async (req, res) => {
    // The API's token check lets this route through (api/index.ts): it accepts the webhook secret (so
    // Alertmanager need not hold the API token) or the API token; with neither configured (auth disabled) it is open.
    const given = requestToken(req.headers) ?? req.header('x-foresight-webhook-secret');
    const expected = s.config.webhook.secret ? await readSecret(s.config.webhook.secret) : undefined;
    const ok =
      (expected !== undefined && expected !== '' && tokenMatches(given, expected)) ||
      (apiToken !== undefined && tokenMatches(given, apiToken)) ||
      (!s.config.webhook.secret && apiToken === undefined);
    if (!ok) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="foresight-webhook"');
      throw new WebhookError(401, `webhook not authenticated: send Authorization: Bearer <${s.config.webhook.secret ? 'alerting.webhook.secret' : 'API token'}>${s.config.webhook.secret ? ' (or the API token)' : ''}`);
    }
    checkWebhookCaps(req.body, ((ctx.config as { limits?: Limits } | undefined)?.limits ?? limitsSchema.parse(undefined)).webhook);
    res.json(await s.incidents.receive(req.body));
  });

  r.get('/incidents', (req, res) => {
    const status = req.query.status as string | undefined;
    if (status !== undefined && !['open', 'acknowledged', 'resolved'].includes(status)) throw new HttpError(400, `status: must be open, acknowledged or resolved, got '${status}'`);
    const limit = req.query.limit === undefined ? 100 : intParam(String(req.query.limit), 'limit');
    res.json(s.incidents.listIncidents({ status: status as IncidentStatus | undefined, limit }));
  });
  r.get('/incidents/:id', (req, res) => {
    const id = intParam(req.params.id, 'incident id');
    res.json({ ...s.incidents.getIncident(id), alerts: s.incidents.alertsOf(id) });
  });
  r.post('/incidents/:id/ack', (req, res) => void res.json(s.incidents.acknowledge(intParam(req.params.id, 'incident id'), actor(req))));
  r.post('/incidents/:id/resolve', (req, res) => void res.json(s.incidents.resolve(intParam(req.params.id, 'incident id'), actor(req))));

  r.post('/alerts/:id/feedback', (req, res) => {
    const b = (req.body ?? {}) as { verdict?: unknown; note?: unknown };
    if (b.verdict !== 'useful' && b.verdict !== 'noise') throw new HttpError(400, `verdict: must be 'useful' or 'noise', got ${JSON.stringify(b.verdict)}`);
    res.json(s.incidents.feedback(intParam(req.params.id, 'alert id'), b.verdict, actor(req), typeof b.note === 'string' ? b.note : undefined));
  });
  r.get('/rules/stats', (_req, res) => void res.json(s.incidents.ruleStats()));

  r.get('/remediation/audit', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    res.json(s.remediation.audit.list({ limit: q.limit ? intParam(q.limit, 'limit') : 200, action: q.action, target: q.target }));
  });
  r.get('/remediation/approvals', (_req, res) => void res.json(s.remediation.pendingApprovals()));
  r.post('/remediation/approvals/:id', async (req, res) => {
    const b = (req.body ?? {}) as { approve?: unknown };
    if (typeof b.approve !== 'boolean') throw new HttpError(400, 'approve: must be true or false');
    try {
      res.json(await s.remediation.decideApproval(intParam(req.params.id, 'approval id'), b.approve, actor(req)));
    } catch (e) {
      const m = (e as Error).message;
      throw new HttpError(/not found/.test(m) ? 404 : 409, m);
    }
  });

  r.get('/routes/preview', async (_req, res) => {
    const g = generateAlertmanager(s.config);
    const file = s.config.alertmanager.configFile;
    const merged = file ? mergeAlertmanagerConfig(await readFile(file, 'utf8').catch(() => ''), g.fragment, file) : undefined;
    res.json({ fragment: YAML.stringify(g.fragment), merged, secretsFromEnv: g.secrets.map((x) => ({ path: x.path, env: x.env })) });
  });
  r.post('/routes/apply', async (req, res) => {
    const file = s.config.alertmanager.configFile;
    if (!file) throw new HttpError(400, 'alerting.alertmanager.configFile is not set; nothing to apply to');
    // A deliberate policy change that removes receivers must say so; otherwise any loss of delivery is refused.
    const allowReducedDelivery = (req.body as { allowReducedDelivery?: unknown } | undefined)?.allowReducedDelivery === true;
    try {
      // The label sets our rule files' alerts carry (SLO rules directory) join the live alerts in the delivery check.
      const cfg = (ctx.config ?? {}) as CompanionConfigSlice;
      const ruleDirs = [...new Set([cfg.slo?.rulesDir, cfg.rules?.dir].filter((d): d is string => typeof d === 'string'))];
      const labelSets = await ruleFileLabelSets(ruleDirs);
      const out = await applyAlertmanagerConfig({ configFile: file, generated: generateAlertmanager(s.config), alertmanagerUrl: s.config.alertmanager.url, mimir: s.config.alertmanager.mimir, log: ctx.log, allowReducedDelivery, labelSets });
      res.json({ changed: out.changed, reloaded: out.reloaded, pushedToMimir: out.pushedToMimir, deliveryChecked: out.deliveryChecked });
    } catch (e) {
      if (e instanceof PolicyError) throw new HttpError(422, e.message);
      if (e instanceof DeliveryError) throw new HttpError(409, e.message);
      throw new HttpError(502, (e as Error).message);
    }
  });

  r.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status =
      err instanceof WebhookError || err instanceof HttpError ? (err as { status: number }).status
      : err instanceof NotFoundError ? 404
      : err instanceof ConflictError ? 409
      : e.type === 'entity.parse.failed' ? 400
      : (e.status ?? e.statusCode ?? 500);
    const message = e.type === 'entity.parse.failed' ? `malformed JSON body: ${e.message}` : (e.message ?? String(err));
    if (status >= 500) ctx.log?.error({ err: message }, 'alerting api error');
    res.status(status).json({ error: message });
  });
  return r;
}
