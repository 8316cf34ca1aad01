// /api/slo: validate, generate, apply SLO specs; list them with their load status; serve error budgets.
// Bodies: JSON `{ sources: [{ file, text }] }` (text = any supported spec YAML), or a raw YAML body
// (Content-Type application/yaml or text/*) treated as one source named by `?file=` (default 'request.yml').
import express, { type Request, type Response, type Router } from 'express';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { YAMLError } from 'yaml';
import type { QueryPromApi, RulesPromApi } from '../rules/prom-api.js';
import type { RulerOptions } from '../rules/ruler.js';
import { computeBudget } from '../slo/budget.js';
import { registerSloMetrics, startBudgetUpdates } from '../slo/budget-metrics.js';
import { groupNames } from '../slo/generate.js';
import { loadSpecs } from '../slo/load.js';
import { probeNoData } from '../slo/probe.js';
import { applyAndRemove, checkGenerated, generateFromSources, SloValidationError } from '../slo/service.js';
import { SloRepository, type SloStoreLike, type SpecSource } from '../slo/store.js';

/** What this router needs from the shared AppContext (src/context.ts); AppContext satisfies it structurally. */
export interface SloRouterContext {
  prom: QueryPromApi & RulesPromApi;
  store: SloStoreLike;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Reads `config.slo` (see sloSection) and `config.rules.dir`. */
  config: unknown;
  /** When given, budgets are exported as foresight_slo_* series on it, refreshed every slo.budgetIntervalSeconds. */
  registry?: Registry;
}

/** The `slo:` section of the companion config (the shared schema passes it through for the feature to parse). */
export const sloSection = z
  .object({
    /** overrides `rules.dir` for SLO rule files */
    rulesDir: z.string().min(1).optional(),
    /** push to a Mimir/Cortex ruler instead of writing files */
    ruler: z
      .object({
        url: z.string().url(),
        namespace: z.string().min(1).default('foresight-slo'),
        tenant: z.string().optional(),
        prefix: z.string().optional(),
        bearerToken: z.string().optional(),
        basicAuth: z.object({ username: z.string(), password: z.string() }).strict().optional(),
        headers: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .optional(),
    /** period for specs without one (Sloth) */
    defaultWindow: z.string().optional(),
    /** how often budgets are recomputed for the foresight_slo_* series (0 = never) */
    budgetIntervalSeconds: z.number().nonnegative().default(60),
    /** largest spec body the SLO API accepts, in MB (bigger specs: `foresight slo generate --out`, streamed) */
    maxSpecMb: z.number().positive().default(5),
  })
  .strict();

type SloConfig = z.infer<typeof sloSection> & { rulesDir?: string; ruler?: RulerOptions };

function sloConfig(config: unknown): SloConfig {
  const c = (typeof config === 'object' && config !== null ? config : {}) as { slo?: unknown; rules?: { dir?: string } };
  const parsed = sloSection.safeParse(c.slo ?? {});
  if (!parsed.success) {
    const e = parsed.error.issues[0]!;
    throw new Error(`config: ${['slo', ...e.path].join('.')}: ${e.message}`);
  }
  return { ...parsed.data, rulesDir: parsed.data.rulesDir ?? c.rules?.dir };
}

class BadRequest extends Error {}

const isYamlInputError = (e: unknown): boolean => e instanceof YAMLError || (e instanceof ReferenceError && /alias/i.test(e.message));

function sourcesOf(req: Request): SpecSource[] {
  if (typeof req.body === 'string') return [{ file: typeof req.query.file === 'string' ? req.query.file : 'request.yml', text: req.body }];
  const b = req.body as { sources?: unknown } | undefined;
  if (!b || !Array.isArray(b.sources) || b.sources.length === 0) throw new BadRequest("body: expected { sources: [{ file, text }] } or a YAML body");
  return b.sources.map((s: unknown, i: number) => {
    const o = s as { file?: unknown; text?: unknown };
    if (typeof o?.file !== 'string' || typeof o.text !== 'string') throw new BadRequest(`body.sources[${i}]: needs string 'file' and 'text'`);
    return { file: o.file, text: o.text };
  });
}

export function sloRouter(ctx: SloRouterContext): Router {
  const router = express.Router();
  const repo = new SloRepository(ctx.store);
  const cfg = sloConfig(ctx.config);
  const opts = { defaultWindow: cfg.defaultWindow };
  if (ctx.registry && cfg.budgetIntervalSeconds > 0) {
    // Timer is unref'd: it never keeps the companion alive on its own.
    const loop = startBudgetUpdates({
      slos: () => repo.load(opts).slos,
      prom: ctx.prom,
      gauges: registerSloMetrics(ctx.registry),
      intervalMs: cfg.budgetIntervalSeconds * 1000,
      log: ctx.log,
    });
    void loop.tick().catch(() => undefined);
  }
  const limit = Math.round(cfg.maxSpecMb * 1024 * 1024);
  router.use(express.json({ limit }), express.text({ type: ['application/yaml', 'application/x-yaml', 'text/*'], limit }));

  const handle = (fn: (req: Request, res: Response) => Promise<void> | void) => async (req: Request, res: Response) => {
    try {
      await fn(req, res);
    } catch (e) {
      if (e instanceof BadRequest) return void res.status(400).json({ error: e.message });
      if (e instanceof SloValidationError) return void res.status(422).json({ error: 'invalid SLO specs', issues: e.issues });
      // Bad YAML in the request (including an alias bomb, which the parser refuses) is the caller's error.
      if (isYamlInputError(e)) return void res.status(400).json({ error: `invalid YAML: ${(e as Error).message}` });
      ctx.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'slo api error');
      res.status(502).json({ error: e instanceof Error ? e.message : String(e) });
    }
  };

  router.post('/validate', handle(async (req, res) => {
    const r = loadSpecs(sourcesOf(req), opts);
    const ok = !r.issues.some((i) => i.level === 'error');
    // Valid specs are also checked for data on the connected Prometheus (`?probe=false` skips it): warnings only.
    if (ok && req.query.probe !== 'false') r.issues.push(...(await probeNoData(ctx.prom, r.slos)));
    res.status(ok ? 200 : 422).json({ ok, slos: r.slos.map((s) => ({ id: s.id, service: s.service, name: s.name, format: s.source.format })), issues: r.issues });
  }));

  router.post('/generate', handle(async (req, res) => {
    const g = generateFromSources(sourcesOf(req), { ...opts, tests: req.query.tests === 'true' });
    const checked = req.query.check === 'false' ? undefined : await checkGenerated(req.query.tests === 'true' ? g : { ...g, tests: {} });
    if (checked && !checked.ok) return void res.status(500).json({ error: 'promtool rejected the generated rules', check: checked.check, test: checked.test });
    res.json({ files: g.files, tests: req.query.tests === 'true' ? g.tests : undefined, issues: g.issues, promtool: checked });
  }));

  // Apply the posted sources together with the stored ones (so ids stay unique), then remember them.
  const rulesTarget = () =>
    cfg.ruler
      ? ({ kind: 'ruler', ruler: cfg.ruler } as const)
      : cfg.rulesDir
        ? ({ kind: 'files', rulesDir: cfg.rulesDir, prom: ctx.prom } as const)
        : undefined;
  /** Ids of the SLOs currently stored (their rules are what Prometheus has loaded). */
  const storedIds = (): string[] => repo.load(opts).slos.map((s) => s.id);

  // Apply the posted sources together with the stored ones (so ids stay unique), then remember them. SLOs that
  // disappear (renamed, or dropped from a replaced file) have their rules removed, verified gone.
  router.post('/apply', handle(async (req, res) => {
    const posted = sourcesOf(req);
    const names = new Set(posted.map((s) => s.file));
    const all = [...repo.sources().filter((s) => !names.has(s.file)), ...posted];
    const g = generateFromSources(all, { ...opts, tests: false });
    const target = rulesTarget();
    if (!target) throw new BadRequest('the companion has no rules target: set config slo.rulesDir (or rulesDir) or slo.ruler');
    try {
      const r = await applyAndRemove(g, storedIds(), target);
      repo.save(posted);
      repo.recordApply(target.kind, r.applied, true, r.removed.length ? `ok; removed ${r.removed.join(', ')}` : 'ok');
      ctx.log.info({ applied: r.applied, removed: r.removed }, 'slo rules applied');
      res.json({ applied: r.applied, removed: r.removed, issues: g.issues });
    } catch (e) {
      repo.recordApply(target.kind, Object.keys(g.files), false, e instanceof Error ? e.message : String(e));
      throw e;
    }
  }));

  router.get('/', handle(async (_req, res) => {
    const r = repo.load(opts);
    let loaded = new Set<string>();
    let promError: string | undefined;
    try {
      loaded = new Set((await ctx.prom.rules()).map((g) => g.name));
    } catch (e) {
      promError = e instanceof Error ? e.message : String(e);
    }
    res.json({
      slos: r.slos.map((s) => ({
        id: s.id,
        service: s.service,
        name: s.name,
        description: s.description,
        objective: s.objective,
        window: s.window,
        sliKind: s.sli.kind,
        format: s.source.format,
        file: s.source.file,
        loaded: promError ? null : loaded.has(groupNames(s.id).sli) && loaded.has(groupNames(s.id).meta),
      })),
      issues: r.issues,
      lastApply: repo.lastApply() ?? null,
      prometheusError: promError,
    });
  }));

  router.get('/budget', handle(async (req, res) => {
    const slos = repo.load(opts).slos.filter((s) => typeof req.query.id !== 'string' || s.id === req.query.id);
    res.json({ budgets: await Promise.all(slos.map((s) => computeBudget(ctx.prom, s))) });
  }));

  router.get('/:id/budget', handle(async (req, res) => {
    const slo = repo.load(opts).slos.find((s) => s.id === req.params.id);
    if (!slo) return void res.status(404).json({ error: `no SLO with id '${String(req.params.id)}'` });
    res.json(await computeBudget(ctx.prom, slo));
  }));

  // The stored text of one spec file, so an editor can open what it will replace.
  router.get('/sources/:file', handle((req, res) => {
    const file = String(req.params.file);
    const source = repo.sources().find((x) => x.file === file);
    if (!source) {
      res.status(404).json({ error: `no stored SLO spec source '${file}'` });
      return;
    }
    res.json(source);
  }));

  // Deleting a spec removes its SLOs' rules (reload, verify gone; files restored on failure) before the row.
  router.delete('/sources/:file', handle(async (req, res) => {
    const file = String(req.params.file);
    if (!repo.sources().some((x) => x.file === file)) return void res.status(404).end();
    const target = rulesTarget();
    if (target) {
      const g = generateFromSources(repo.sources().filter((x) => x.file !== file), { ...opts, tests: false });
      try {
        const r = await applyAndRemove(g, storedIds(), target);
        repo.recordApply(target.kind, r.applied, true, `deleted ${file}; removed ${r.removed.join(', ') || 'nothing'}`);
      } catch (e) {
        repo.recordApply(target.kind, [], false, e instanceof Error ? e.message : String(e));
        throw e;
      }
    }
    repo.remove(file);
    res.status(204).end();
  }));

  return router;
}
