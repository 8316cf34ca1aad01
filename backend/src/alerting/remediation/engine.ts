// Guarded remediation. For each action whose matchers fit a firing alert, the request passes, in order:
// parameter validation → circuit breaker → risk/benefit gate → cooldown → per-target lock → approval
// (if the action asks for it) → global rate limit and concurrency (else queued) → dry run or execution →
// verification after `verify.afterSeconds` (the alert's expression re-checked) → escalation if it did not
// help. Every decision is written to the audit trail. Time comes from `now()`; `tick()` drains the queue and
// runs due verifications (the companion calls it every second; tests call it after moving the clock).
// Breakers, cooldowns and the queue are written to the store as they change and read back on construction,
// so a restarted companion keeps an open breaker open (persist.ts).
import type { Logger } from 'pino';
import type { RemediationAction, RemediationConfig, Tier } from '../config.js';
import { matchesAll, parseMatcher, type Matcher } from '../matchers.js';
import type { AlertingStore } from '../store.js';
import { migrateAlerting } from '../store.js';
import { AuditLog, type Outcome } from './audit.js';
import { execute as realExecute, prepare, type Executor, type Prepared } from './executor.js';
import { CircuitBreaker, Cooldowns, RateLimiter, TargetLocks } from './guardrails.js';
import { GuardrailStore } from './persist.js';

export interface RemediationAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
}
interface Request {
  action: RemediationAction;
  target: string;
  params: Record<string, string>;
  alert: RemediationAlert;
  tier?: Tier;
  actor: string;
  /** set once an operator approved it, so the approval gate is not asked again */
  approved?: boolean;
  /** its row in `alerting_queue` while queued */
  queueId?: number;
}
export interface Decision { action: string; target: string; outcome: Outcome; reason: string; auditId: number; approvalId?: number }
export interface Approval { id: number; createdAt: string; action: string; target: string; status: 'pending' | 'approved' | 'rejected'; alert: string; params: Record<string, string> }

export interface RemediationEngineOptions {
  config: RemediationConfig;
  store: AlertingStore;
  now?: () => number;
  executor?: Executor;
  /** Instant query used for verification; returns the samples (non-empty = the alert condition still holds). */
  query?: (expr: string) => Promise<unknown[]>;
  /** Called when verification shows the action did not help (e.g. page a human). */
  onEscalate?: (info: { action: string; target: string; alert: RemediationAlert; reason: string }) => void | Promise<void>;
  log?: Logger;
}

/** The expression Prometheus put in the alert's generatorURL (`…/graph?g0.expr=…`). */
export function exprFromGeneratorURL(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('g0.expr') ?? undefined;
  } catch {
    return undefined;
  }
}

export class RemediationEngine {
  readonly audit: AuditLog;
  private readonly now: () => number;
  private readonly exec: Executor;
  private readonly rate: RateLimiter;
  private readonly locks = new TargetLocks();
  private readonly cooldowns = new Cooldowns();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly matchers = new Map<string, Matcher[]>();
  private readonly queue: Request[] = [];
  private readonly verifications: { at: number; req: Request }[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private running = 0;
  private readonly persist: GuardrailStore;

  constructor(private readonly o: RemediationEngineOptions) {
    migrateAlerting(o.store);
    this.audit = new AuditLog(o.store);
    this.persist = new GuardrailStore(o.store);
    this.now = o.now ?? Date.now;
    this.exec = o.executor ?? realExecute;
    this.rate = new RateLimiter(o.config.rateLimitPerMinute, 60_000);
    o.config.actions.forEach((a, i) => this.matchers.set(a.name, a.match.map((m, j) => parseMatcher(m, `alerting.remediation.actions[${i}].match[${j}]`))));
    this.restore();
  }

  /** Reads back what a previous run left in the store (breakers, cooldowns, rate window, queue). */
  private restore(): void {
    const now = this.now();
    for (const b of this.persist.breakers()) this.breaker(b.action).restore(b);
    for (const c of this.persist.cooldowns(now)) this.cooldowns.restore(c.target, c.until);
    for (const t of this.persist.startsSince(now - 60_000)) this.rate.record(t);
    for (const q of this.persist.queue()) {
      const action = this.o.config.actions.find((a) => a.name === q.action);
      if (!action) {
        // Configuration changed across the restart: drop it, and say so in the trail.
        this.persist.dequeue(q.id);
        this.audit.record({ actor: q.actor, action: q.action, target: q.target, alert: `${q.alert.labels.alertname ?? '?'} ${q.alert.fingerprint}`, reason: `queued before a restart, but action '${q.action}' is no longer configured`, outcome: 'rejected', detail: {}, dryRun: false }, now);
        continue;
      }
      this.queue.push({ action, target: q.target, params: q.params, alert: q.alert, tier: q.tier, actor: q.actor, approved: q.approved, queueId: q.id });
    }
    if (this.queue.length) this.o.log?.info({ queued: this.queue.length }, 'remediation queue restored from the store');
  }

  private recordBreaker(action: string, ok: boolean, now: number): void {
    const b = this.breaker(action);
    b.record(ok, now);
    this.persist.saveBreaker(action, b.snapshot(), now);
  }

  private startCooldown(target: string, now: number, ms: number): void {
    this.cooldowns.start(target, now, ms);
    this.persist.saveCooldown(target, now, now + ms);
  }

  get queued(): number {
    return this.queue.length;
  }
  get runningCount(): number {
    return this.running;
  }
  breakerState(action: string): string {
    return this.breaker(action).state(this.now());
  }

  private breaker(action: string): CircuitBreaker {
    let b = this.breakers.get(action);
    if (!b) this.breakers.set(action, (b = new CircuitBreaker(this.o.config.breaker.failures, this.o.config.breaker.resetSeconds * 1000)));
    return b;
  }

  private record(r: Pick<Request, 'action' | 'target' | 'alert' | 'actor'>, outcome: Outcome, reason: string, detail: Record<string, unknown> = {}): number {
    const auditId = this.audit.record(
      { actor: r.actor, action: r.action.name, target: r.target, alert: `${r.alert.labels.alertname ?? '?'} ${r.alert.fingerprint}`, reason, outcome, detail, dryRun: r.action.mode === 'dry-run' },
      this.now(),
    );
    this.o.log?.info({ action: r.action.name, target: r.target, outcome, reason }, 'remediation');
    return auditId;
  }

  /** Entry point for a newly firing alert: one decision per matching action. */
  async handleAlert(alert: RemediationAlert, tier?: Tier): Promise<Decision[]> {
    const out: Decision[] = [];
    for (const action of this.o.config.actions) {
      if (!matchesAll(this.matchers.get(action.name)!, alert.labels)) continue;
      const target = alert.labels[action.targetLabel] ?? '';
      const base = { action, target: target || '(none)', alert, actor: 'foresight' };
      if (!target) {
        out.push(this.decide(base, 'rejected', `alert has no '${action.targetLabel}' label to name the target`));
        continue;
      }
      const params: Record<string, string> = {};
      let bad = '';
      for (const [k, p] of Object.entries(action.params)) {
        const v = alert.labels[p.label];
        if (v === undefined) bad ||= `parameter '${k}': alert has no label '${p.label}'`;
        else if (!new RegExp(`^(?:${p.pattern})$`).test(v)) bad ||= `parameter '${k}': value ${JSON.stringify(v)} of label '${p.label}' does not match ^(?:${p.pattern})$`;
        else params[k] = v;
      }
      if (bad) {
        out.push(this.decide(base, 'rejected', bad));
        continue;
      }
      out.push(await this.admit({ ...base, target, params, tier }));
    }
    return out;
  }

  private decide(r: Pick<Request, 'action' | 'target' | 'alert' | 'actor'>, outcome: Outcome, reason: string, detail: Record<string, unknown> = {}, approvalId?: number): Decision {
    return { action: r.action.name, target: r.target, outcome, reason, auditId: this.record(r, outcome, reason, detail), approvalId };
  }

  /** The gates in order; `fromQueue` requests were already audited as queued. */
  private async admit(r: Request): Promise<Decision> {
    const now = this.now();
    const a = r.action;
    const b = this.breaker(a.name);
    if (b.state(now) === 'open')
      return this.decide(r, 'skipped', `circuit breaker open for action '${a.name}' after ${b.consecutiveFailures()} consecutive failures; half-opens at ${new Date(b.retryAt()).toISOString()}`);
    const cost = this.incidentCost(r);
    if (cost !== undefined && a.cost > cost)
      return this.decide(r, 'skipped', `risk/benefit: the action's declared cost ${a.cost} exceeds the estimated incident cost ${cost}`);
    const cool = this.cooldowns.remainingMs(r.target, now);
    if (cool > 0) return this.decide(r, 'skipped', `target '${r.target}' is cooling down for another ${Math.ceil(cool / 1000)} s`);
    const holder = this.locks.holder(r.target);
    if (holder) return this.decide(r, 'skipped', `target '${r.target}' is locked by running action '${holder}'`);
    if (a.mode === 'approval' && !r.approved) {
      const id = Number(this.o.store.db.prepare(`INSERT INTO alerting_approvals (created_at, action, target, request, status) VALUES (?, ?, ?, ?, 'pending')`)
        .run(now, a.name, r.target, JSON.stringify({ params: r.params, alert: r.alert, tier: r.tier })).lastInsertRowid);
      return this.decide(r, 'awaiting_approval', `action '${a.name}' requires approval (approval ${id})`, { approvalId: id }, id);
    }
    if (!this.rate.allows(now) || this.running >= this.o.config.maxConcurrent) {
      r.queueId = this.persist.enqueue({ ...r, action: a.name }, now);
      this.queue.push(r);
      const why = this.running >= this.o.config.maxConcurrent ? `${this.running} actions running (max ${this.o.config.maxConcurrent})` : `rate limit of ${this.o.config.rateLimitPerMinute} actions/min reached`;
      return this.decide(r, 'queued', `${why}; queued at position ${this.queue.length}`);
    }
    if (!b.tryPass(now)) return this.decide(r, 'skipped', `circuit breaker for '${a.name}' is half-open and its trial action is still running`);
    return this.start(r);
  }

  private incidentCost(r: Request): number | undefined {
    const ann = r.alert.annotations.foresight_incident_cost;
    if (ann !== undefined && ann !== '' && Number.isFinite(Number(ann))) return Number(ann);
    return r.tier ? this.o.config.incidentCost[r.tier] : undefined;
  }

  private async start(r: Request): Promise<Decision> {
    const now = this.now();
    let prepared: Prepared;
    try {
      prepared = await prepare(r.action, this.o.config.scriptDir, r.target, r.params, { alertname: r.alert.labels.alertname ?? '', fingerprint: r.alert.fingerprint });
    } catch (e) {
      this.recordBreaker(r.action.name, true, now); // a config problem is not the target's failure; release a half-open trial
      return this.decide(r, 'rejected', (e as Error).message);
    }
    this.rate.record(now);
    if (r.action.mode === 'dry-run') {
      // Passes every gate like a real run (so the trail shows what would happen) but touches nothing.
      this.recordBreaker(r.action.name, true, now);
      this.startCooldown(r.target, now, r.action.cooldownSeconds * 1000);
      return this.decide(r, 'dry_run', `dry run: would ${describe(prepared)}`, { prepared });
    }
    this.locks.tryLock(r.target, r.action.name);
    this.running++;
    const auditId = this.record(r, 'executed', `started: ${describe(prepared)}`, { prepared, phase: 'start' });
    const p = this.exec(prepared)
      .catch((e: Error) => ({ ok: false, output: e.message }))
      .then((res) => {
        const t = this.now();
        this.running--;
        this.locks.unlock(r.target);
        this.startCooldown(r.target, t, r.action.cooldownSeconds * 1000);
        this.recordBreaker(r.action.name, res.ok, t);
        this.record(r, res.ok ? 'executed' : 'failed', res.ok ? 'finished successfully' : 'action failed', { output: res.output, phase: 'end' });
        if (res.ok) this.verifications.push({ at: t + r.action.verify.afterSeconds * 1000, req: r });
      });
    const tracked = p.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
    return { action: r.action.name, target: r.target, outcome: 'executed', reason: 'started', auditId };
  }

  /** Waits for running actions (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  /** Drains the queue as the rate limit and concurrency allow, then runs due verifications. */
  async tick(): Promise<Decision[]> {
    const out: Decision[] = [];
    while (this.queue.length && this.rate.allows(this.now()) && this.running < this.o.config.maxConcurrent) {
      const r = this.queue.shift()!;
      if (r.queueId !== undefined) this.persist.dequeue(r.queueId);
      r.queueId = undefined;
      out.push(await this.admit(r));
    }
    const now = this.now();
    const due = this.verifications.filter((v) => v.at <= now);
    for (const v of due) {
      this.verifications.splice(this.verifications.indexOf(v), 1);
      await this.verify(v.req);
    }
    return out;
  }

  private async verify(r: Request): Promise<void> {
    const expr = r.action.verify.expr?.replace(/\{([A-Za-z0-9_]+)\}/g, (m, k: string) => r.params[k] ?? m) ?? exprFromGeneratorURL(r.alert.generatorURL);
    if (!expr || !this.o.query) {
      this.record(r, 'verify_skipped', !expr ? 'no expression to re-check (no verify.expr and no generatorURL)' : 'no Prometheus client to re-check with');
      return;
    }
    try {
      const samples = await this.o.query(expr);
      if (samples.length === 0) {
        this.record(r, 'verified', `alert condition no longer holds: ${expr}`);
        return;
      }
      const reason = `alert condition still holds after the action (${samples.length} series): ${expr}`;
      this.record(r, 'verify_failed', reason);
      await this.o.onEscalate?.({ action: r.action.name, target: r.target, alert: r.alert, reason });
    } catch (e) {
      this.record(r, 'verify_failed', `verification query failed: ${(e as Error).message}`);
    }
  }

  pendingApprovals(): Approval[] {
    const rows = this.o.store.db.prepare(`SELECT * FROM alerting_approvals WHERE status = 'pending' ORDER BY id`).all() as { id: number; created_at: number; action: string; target: string; request: string; status: Approval['status'] }[];
    return rows.map((x) => {
      const req = JSON.parse(x.request) as { params: Record<string, string>; alert: RemediationAlert };
      return { id: x.id, createdAt: new Date(x.created_at).toISOString(), action: x.action, target: x.target, status: x.status, alert: req.alert.labels.alertname ?? '', params: req.params };
    });
  }

  /** An operator decides; an approved request goes through the remaining gates as that operator. */
  async decideApproval(id: number, approve: boolean, by: string): Promise<Decision> {
    const row = this.o.store.db.prepare('SELECT * FROM alerting_approvals WHERE id = ?').get(id) as { action: string; target: string; request: string; status: string } | undefined;
    if (!row) throw new Error(`approval ${id} not found`);
    if (row.status !== 'pending') throw new Error(`approval ${id} was already ${row.status}`);
    const action = this.o.config.actions.find((a) => a.name === row.action);
    if (!action) throw new Error(`approval ${id}: action '${row.action}' is no longer configured`);
    const req = JSON.parse(row.request) as { params: Record<string, string>; alert: RemediationAlert; tier?: Tier };
    this.o.store.db.prepare('UPDATE alerting_approvals SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?').run(approve ? 'approved' : 'rejected', by, this.now(), id);
    const r: Request = { action, target: row.target, params: req.params, alert: req.alert, tier: req.tier, actor: by, approved: approve };
    if (!approve) return this.decide(r, 'rejected', `rejected by ${by} (approval ${id})`);
    this.record(r, 'approved', `approved by ${by} (approval ${id})`);
    return this.admit(r);
  }
}

function describe(p: Prepared): string {
  return p.kind === 'script' ? `run ${p.file} ${JSON.stringify(p.argv)}` : `${p.method} ${p.url}`;
}
