// Loads a game-day plan (ours, or a Chaos Toolkit experiment) from YAML/JSON text and checks everything
// that can be checked before anything is injected: the shape, fault types, the blast radius, a rollback
// for every action, PromQL syntax, guards that have something to watch. Errors name the file, the
// experiment and the field; a plan with any error is refused whole.
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { FAULT_TYPES, parseFaultSpec, FaultSpecError } from '../demo/faults.js';
import { promqlSyntaxError } from '../slo/promql.js';
import { fromChaosToolkit, isChaosToolkit } from './chaostoolkit.js';
import { cronError } from './cron.js';
import { planSchema, type Action, type Experiment, type Guards, type Plan } from './spec.js';

export interface ResolvedExperiment extends Omit<Experiment, 'guards'> {
  /** the plan's guards with the experiment's own laid over them */
  guards: Guards;
}
export interface ResolvedPlan extends Omit<Plan, 'experiments'> {
  experiments: ResolvedExperiment[];
}

export interface LoadResult {
  plan?: ResolvedPlan;
  errors: string[];
  warnings: string[];
  /** 'foresight' or 'chaostoolkit' */
  format: string;
}

export class PlanError extends Error {
  constructor(readonly errors: string[], readonly warnings: string[] = []) {
    super(`chaos plan refused:\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'PlanError';
  }
}

/** Where an issue is: `experiments[1] (payments-down).method[0].action.type`. */
function at(raw: unknown, path: (string | number)[]): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!;
    out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${p}`;
    if (i === 1 && path[0] === 'experiments' && typeof p === 'number') {
      const n = (raw as { experiments?: { name?: unknown }[] } | undefined)?.experiments?.[p]?.name;
      if (typeof n === 'string') out += ` (${n})`;
    }
  }
  return out || '(plan)';
}

function zodErrors(file: string, raw: unknown, e: z.ZodError): string[] {
  return e.issues.map((i) => {
    let msg = i.message;
    if (i.code === 'invalid_union_discriminator') msg = `unknown action kind; expected one of ${i.options.map(String).join(', ')}`;
    if (i.code === 'unrecognized_keys') msg = `unknown field(s) ${i.keys.join(', ')}`;
    return `${file}: ${at(raw, i.path)}: ${msg}`;
  });
}

/** The plan's guards with the experiment's laid over them, key by key. */
export function mergeGuards(plan: Guards, own: Guards | undefined): Guards {
  if (!own) return plan;
  const out: Guards = { ...plan };
  for (const [k, v] of Object.entries(own) as [keyof Guards, unknown][]) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  // An experiment's defaults (approval false, maintenanceMode avoid) must not undo the plan's stricter choice.
  out.approval = plan.approval || own.approval;
  return out;
}

/** The component an action disturbs, for the blast radius: a demo fault's service, else its target, else the experiment's. */
export function actionTarget(a: Action, exp: { target: string }): string | undefined {
  if (a.kind === 'demo-fault') return a.service;
  if (a.kind === 'demo-fault-end') return undefined;
  return a.target ?? exp.target;
}

function actionUrl(a: Action): string | undefined {
  if (a.kind === 'http' || a.kind === 'demo-fault') return a.url;
  if (a.kind === 'chaostoolkit' && a.provider.type === 'http' && typeof a.provider.url === 'string') return a.provider.url;
  return undefined;
}

function inRadius(list: string[], what: string): boolean {
  return list.some((t) => t === '*' || t === what || (t.endsWith('*') && what.startsWith(t.slice(0, -1))));
}

function checkAction(a: Action, where: string, exp: ResolvedExperiment, errors: string[], role: 'action' | 'rollback'): void {
  if (a.kind === 'demo-fault') {
    if (!(FAULT_TYPES as readonly string[]).includes(a.type)) {
      errors.push(`${where}.type: unknown fault type '${a.type}'; known: ${FAULT_TYPES.join(', ')}`);
    } else {
      try {
        parseFaultSpec({ type: a.type, service: a.service, durationSeconds: a.durationSeconds, magnitude: a.magnitude });
      } catch (e) {
        if (!(e instanceof FaultSpecError)) throw e;
        errors.push(`${where}.${e.field}: ${e.message.replace(/^fault\.[a-zA-Z()]+: /, '')}`);
      }
    }
    if (role === 'rollback') errors.push(`${where}: a demo-fault cannot be a rollback (use demo-fault-end)`);
  }
  if (a.kind === 'demo-fault-end' && role === 'action') errors.push(`${where}.kind: demo-fault-end only undoes a demo-fault; it is a rollback, not an action`);
  if (a.kind === 'chaostoolkit') {
    const t = a.provider.type;
    if (t === 'python') errors.push(`${where}.provider.type: python providers need Chaos Toolkit's own runtime; use an http or process provider (or a command action)`);
    else if (t === 'http' && typeof a.provider.url !== 'string') errors.push(`${where}.provider.url: an http provider needs a url`);
    else if (t === 'process' && typeof a.provider.path !== 'string') errors.push(`${where}.provider.path: a process provider needs a path`);
    else if (t !== 'http' && t !== 'process') errors.push(`${where}.provider.type: must be http or process; got ${JSON.stringify(t)}`);
  }
  const radius = exp.guards.blastRadius;
  if (radius) {
    const target = actionTarget(a, exp);
    if (target !== undefined && !inRadius(radius.targets, target)) {
      errors.push(`${where}: target '${target}' is outside the blast radius (allowed: ${radius.targets.join(', ')})`);
    }
    const url = actionUrl(a);
    if (url && radius.hosts && !radius.hosts.includes(new URL(url).host)) {
      errors.push(`${where}: host '${new URL(url).host}' is outside the blast radius (allowed hosts: ${radius.hosts.join(', ')})`);
    }
  }
}

function checkExperiment(exp: ResolvedExperiment, base: string, errors: string[], warnings: string[]): void {
  const radius = exp.guards.blastRadius;
  if (radius && !inRadius(radius.targets, exp.target)) errors.push(`${base}.target: '${exp.target}' is outside the blast radius (allowed: ${radius.targets.join(', ')})`);
  if (!radius) warnings.push(`${base}.guards.blastRadius: none set; any target may be disturbed`);
  exp.method.forEach((step, i) => {
    const w = `${base}.method[${i}]`;
    checkAction(step.action, `${w}.action`, exp, errors, 'action');
    if (!step.rollback) errors.push(`${w}.rollback: missing; every action needs a rollback (for a demo-fault: {kind: demo-fault-end})`);
    else {
      checkAction(step.rollback, `${w}.rollback`, exp, errors, 'rollback');
      if (step.rollback.kind === 'demo-fault-end' && step.action.kind !== 'demo-fault') errors.push(`${w}.rollback.kind: demo-fault-end undoes only a demo-fault action`);
    }
  });
  exp.steadyState.probes.forEach((p, i) => {
    const err = promqlSyntaxError(p.query);
    if (err) errors.push(`${base}.steadyState.probes[${i}] (${p.name}).query: invalid PromQL: ${err}`);
    if (p.tolerance.min !== undefined && p.tolerance.max !== undefined && p.tolerance.min > p.tolerance.max) {
      errors.push(`${base}.steadyState.probes[${i}] (${p.name}).tolerance: min ${p.tolerance.min} is above max ${p.tolerance.max}`);
    }
  });
  const ab = exp.guards.abort;
  if (ab && (ab.maxBurnRate !== undefined || ab.minBudgetRemaining !== undefined)) {
    if (!(ab.slos?.length || exp.steadyState.slos.length)) errors.push(`${base}.guards.abort: no SLO to watch; list guards.abort.slos or steadyState.slos`);
  }
  if (!exp.steadyState.slos.length && !exp.steadyState.probes.length) warnings.push(`${base}.steadyState: empty; the system is taken as healthy before and after`);
  const max = exp.guards.maxDuration;
  const e = exp.expect;
  for (const [k, within] of [['alert', e.alert?.within], ['anomaly', e.anomaly?.within], ['remediation', e.remediation?.within]] as const) {
    if (max !== undefined && within !== undefined && within > max) warnings.push(`${base}.expect.${k}.within: ${within} s is longer than guards.maxDuration ${max} s; it can only be missed`);
  }
  if (e.runbook && !e.rca && !e.alert) warnings.push(`${base}.expect.runbook: runbooks come from the investigation started at detection; with no alert or rca expectation it starts at the first anomaly only`);
}

/** Checks a parsed document; `file` names it in every message. */
export function validatePlan(raw: unknown, file: string): LoadResult {
  const warnings: string[] = [];
  let format = 'foresight';
  if (isChaosToolkit(raw)) {
    format = 'chaostoolkit';
    const m = fromChaosToolkit(raw);
    warnings.push(...m.warnings.map((w) => `${file}: ${w}`));
    raw = m.plan;
  }
  // Top-level `x-…` keys are free (YAML anchors for shared steady states and the like), as in Compose files.
  if (typeof raw === 'object' && raw !== null) raw = Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('x-')));
  const p = planSchema.safeParse(raw);
  if (!p.success) return { errors: zodErrors(file, raw, p.error), warnings, format };
  const errors: string[] = [];
  const seen = new Set<string>();
  const experiments: ResolvedExperiment[] = p.data.experiments.map((e) => ({ ...e, guards: mergeGuards(p.data.guards, e.guards) }));
  experiments.forEach((exp, i) => {
    const base = `${file}: experiments[${i}] (${exp.name})`;
    if (seen.has(exp.name)) errors.push(`${base}.name: '${exp.name}' is used by an earlier experiment`);
    seen.add(exp.name);
    checkExperiment(exp, base, errors, warnings);
  });
  if (p.data.schedule !== undefined) {
    const err = cronError(p.data.schedule);
    if (err) errors.push(`${file}: schedule: ${err}`);
  }
  if (errors.length) return { errors, warnings, format };
  return { plan: { ...p.data, experiments }, errors: [], warnings, format };
}

/** Parses YAML or JSON text (JSON is YAML) and validates it. */
export function loadPlanText(text: string, file: string): LoadResult {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return { errors: [`${file}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`], warnings: [], format: 'unknown' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { errors: [`${file}: expected a mapping with version, name and experiments`], warnings: [], format: 'unknown' };
  return validatePlan(raw, file);
}

/** Like loadPlanText, but throws PlanError on any error. */
export function loadPlan(text: string, file: string): { plan: ResolvedPlan; warnings: string[]; format: string } {
  const r = loadPlanText(text, file);
  if (!r.plan) throw new PlanError(r.errors, r.warnings);
  return { plan: r.plan, warnings: r.warnings, format: r.format };
}
