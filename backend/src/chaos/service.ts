// The game-day runner inside the companion: starts runs (on demand or on a cron schedule), runs a plan's
// experiments one after another with one experiment per target at a time (a lock), keeps the audit trail
// and results in the store, waits for approvals, honours operator aborts, and exports foresight_chaos_*.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Store } from '../store/db.js';
import { demoFaultEnded, runAction } from './actions.js';
import type { ChaosConfig } from './config.js';
import { cronMatches, parseCron, type Cron } from './cron.js';
import { chaosMetrics, type ChaosMetrics } from './metrics.js';
import { runExperiment, type AmAlert, type ExperimentResult, type RunEvent, type RunnerPorts } from './runner.js';
import { judge, type Outcome } from './score.js';
import type { Query } from './steady.js';
import { ChaosStore, type RunRecord } from './store.js';
import { loadPlan, type ResolvedPlan } from './validate.js';

export interface ChaosServiceDeps {
  store: Store;
  config: ChaosConfig;
  query: Query;
  alertmanagerUrl?: string;
  firstAnomaly?: RunnerPorts['firstAnomaly'];
  investigate?: RunnerPorts['investigate'];
  remediation?: RunnerPorts['remediation'];
  registry?: Registry;
  log?: Logger;
  now?: () => number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ChaosService {
  readonly runs: ChaosStore;
  private readonly locks = new Map<string, number>();
  private readonly approvals = new Map<number, (a: { approved: boolean; by: string }) => void>();
  private readonly aborts = new Map<number, string>();
  private readonly active = new Map<number, Promise<void>>();
  private readonly metrics?: ChaosMetrics;
  private timer?: NodeJS.Timeout;
  private lastTick = 0;
  private readonly now: () => number;

  constructor(private readonly d: ChaosServiceDeps) {
    this.runs = new ChaosStore(d.store);
    this.now = d.now ?? Date.now;
    const closed = this.runs.closeInterrupted(this.now());
    if (closed) d.log?.warn({ runs: closed }, 'chaos runs interrupted by a restart closed as errors; check that their faults are gone');
    if (d.registry) this.metrics = chaosMetrics(d.registry);
  }

  /** Creates a run and starts it in the background; returns its id at once (poll GET /runs/:id). */
  start(plan: ResolvedPlan, trigger: string, warnings: string[] = []): number {
    const id = this.runs.create(plan, trigger, warnings, this.now());
    const p = this.execute(id, plan)
      .catch((e: Error) => {
        this.d.log?.error({ run: id, err: e.message }, 'chaos run failed');
        this.runs.update(id, { status: 'done', outcome: 'error', endedAt: this.now(), current: null });
      })
      .finally(() => {
        this.active.delete(id);
        this.metrics?.running(this.locks.size);
      });
    this.active.set(id, p);
    return id;
  }

  /** Resolves when the run has finished (tests, the CLI's in-process mode). */
  async settled(id: number): Promise<RunRecord | undefined> {
    await this.active.get(id);
    return this.runs.get(id);
  }

  decide(id: number, approved: boolean, by: string): boolean {
    const f = this.approvals.get(id);
    if (!f) return false;
    this.approvals.delete(id);
    f({ approved, by });
    return true;
  }

  /** Asks a running experiment to stop: it rolls back and is judged 'aborted'. */
  abort(id: number, reason: string): boolean {
    if (!this.active.has(id)) return false;
    this.aborts.set(id, reason);
    this.decide(id, false, reason);
    return true;
  }

  private async execute(id: number, plan: ResolvedPlan): Promise<void> {
    const results: ExperimentResult[] = [];
    this.runs.update(id, { status: 'running' });
    for (const exp of plan.experiments) {
      const event = (e: Omit<RunEvent, 'at' | 'experiment'>): void => {
        const full: RunEvent = { ...e, at: this.now(), experiment: exp.name };
        this.runs.event(id, full);
        this.d.log?.info({ run: id, experiment: exp.name, step: e.step, ok: e.ok }, e.message);
      };
      const holder = this.locks.get(exp.target);
      let r: ExperimentResult;
      if (holder !== undefined) {
        const why = `target ${exp.target} is busy with run ${holder}`;
        event({ step: 'preflight', ok: false, message: `refused: ${why}` });
        r = { experiment: exp.name, target: exp.target, observations: { refused: why }, judgement: judge(exp, { refused: why }) };
      } else if (this.aborts.has(id)) {
        const why = `run aborted: ${this.aborts.get(id)}`;
        r = { experiment: exp.name, target: exp.target, observations: { refused: why }, judgement: judge(exp, { refused: why }) };
      } else {
        this.locks.set(exp.target, id);
        this.metrics?.running(this.locks.size);
        this.runs.update(id, { current: exp.name });
        try {
          r = await runExperiment(exp, plan.pollSeconds, this.ports(id, event));
        } finally {
          this.locks.delete(exp.target);
          this.metrics?.running(this.locks.size);
        }
      }
      results.push(r);
      this.metrics?.experimentFinished(r);
      const rb = r.judgement.verdicts.find((v) => v.expectation === 'runbook');
      if (exp.expect.runbook && rb && rb.verdict !== 'not_checked') {
        this.runs.recordRunbook(exp.expect.runbook, exp.name, id, this.now(), rb.verdict === 'met' && r.judgement.outcome === 'passed');
      }
      this.runs.update(id, { experiments: results });
    }
    const outcome = overall(results.map((r) => r.judgement.outcome));
    this.runs.update(id, { status: 'done', outcome, endedAt: this.now(), current: null, experiments: results });
    this.runs.prune(this.d.config.keepRuns);
    this.metrics?.runFinished(outcome);
    this.aborts.delete(id);
  }

  private ports(id: number, event: RunnerPorts['event']): RunnerPorts {
    const am = this.d.alertmanagerUrl;
    return {
      now: this.now,
      sleep,
      query: this.d.query,
      sloMetrics: this.d.config.sloMetrics,
      ...(am ? { alerts: () => alertmanagerAlerts(am) } : {}),
      ...(this.d.firstAnomaly ? { firstAnomaly: this.d.firstAnomaly } : {}),
      ...(this.d.investigate ? { investigate: this.d.investigate } : {}),
      ...(this.d.remediation ? { remediation: this.d.remediation } : {}),
      runAction,
      faultEnded: (url, fid) => demoFaultEnded(url, fid, this.now()),
      approval: () =>
        new Promise((resolve) => {
          this.runs.update(id, { status: 'awaiting_approval' });
          this.approvals.set(id, (a) => {
            this.runs.update(id, { status: 'running' });
            resolve(a);
          });
        }),
      allowCommands: this.d.config.allowCommands,
      event,
      aborted: () => this.aborts.get(id),
      defaults: { observeSeconds: this.d.config.observeSeconds, recoverySeconds: this.d.config.recoverySeconds },
    };
  }

  private readonly scheduled = new Map<string, number>();
  private crons?: { file: string; cron?: Cron }[];

  /** Checks the configured plans' schedules every 15 s; a due plan starts unless its last run is still going. */
  startScheduler(): void {
    if (!this.d.config.plans.length || this.timer) return;
    this.timer = setInterval(() => void this.schedulerTick(), 15_000);
    this.timer.unref();
  }

  /** One scheduler step (once per minute at most): starts the plans due this minute; returns the new run ids. */
  async schedulerTick(): Promise<number[]> {
    this.crons ??= this.d.config.plans.map((p) => ({ file: p.file, ...(p.schedule ? { cron: parseCron(p.schedule) } : {}) }));
    const minute = Math.floor(this.now() / 60_000) * 60_000;
    if (minute === this.lastTick) return [];
    this.lastTick = minute;
    const started: number[] = [];
    for (const c of this.crons) {
      try {
        const { plan, warnings } = loadPlan(await readFile(c.file, 'utf8'), c.file);
        const cron = c.cron ?? (plan.schedule ? parseCron(plan.schedule) : undefined);
        if (!cron || !cronMatches(cron, minute)) continue;
        const prev = this.scheduled.get(c.file);
        if (prev !== undefined && this.active.has(prev)) {
          this.d.log?.warn({ plan: c.file, run: prev }, 'scheduled game day skipped: the previous run is still going');
          continue;
        }
        const id = this.start(plan, `schedule ${c.file}`, warnings);
        this.scheduled.set(c.file, id);
        started.push(id);
      } catch (e) {
        this.d.log?.error({ plan: c.file, err: (e as Error).message }, 'scheduled game day not started');
      }
    }
    return started;
  }

  /** Stops the scheduler and aborts running experiments (they roll back) before returning. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const id of this.active.keys()) this.abort(id, 'companion stopping');
    await Promise.all([...this.active.values()]);
  }
}

export function overall(outcomes: Outcome[]): Outcome {
  for (const o of ['error', 'aborted', 'failed', 'refused'] as const) if (outcomes.includes(o)) return o;
  return 'passed';
}

async function alertmanagerAlerts(url: string): Promise<AmAlert[]> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/api/v2/alerts?active=true&silenced=true&inhibited=true`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET /api/v2/alerts answered HTTP ${res.status}`);
  return (await res.json()) as AmAlert[];
}
