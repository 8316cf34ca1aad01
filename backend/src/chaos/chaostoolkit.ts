// Import of Chaos Toolkit experiments (its JSON/YAML format) into one-experiment plans: Prometheus probes
// of the steady-state hypothesis become PromQL probes, http/process actions become chaostoolkit actions,
// rollbacks are paired with actions by position, pauses become waits. Everything else is named in a
// warning; what cannot run (python providers) is left out, so validation says what is missing.

export function isChaosToolkit(raw: unknown): raw is Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null) return false;
  const o = raw as Record<string, unknown>;
  return 'steady-state-hypothesis' in o || (Array.isArray(o.method) && 'title' in o && !('experiments' in o));
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'imported';
}

/** A Chaos Toolkit tolerance as min/max, when it is a number or a [lo, hi] range (or {type: range}). */
function toleranceOf(t: unknown): { min?: number; max?: number } | undefined {
  if (typeof t === 'number') return { min: t, max: t };
  if (Array.isArray(t) && t.length === 2 && t.every((x) => typeof x === 'number')) return { min: t[0] as number, max: t[1] as number };
  if (isObj(t) && t.type === 'range' && Array.isArray(t.range) && t.range.length === 2) return { min: Number(t.range[0]), max: Number(t.range[1]) };
  return undefined;
}

function promQuery(p: Obj): string | undefined {
  const prov = p.provider;
  if (!isObj(prov) || prov.type !== 'python' || typeof prov.module !== 'string' || !prov.module.startsWith('chaosprometheus')) return undefined;
  const args = isObj(prov.arguments) ? prov.arguments : {};
  return typeof args.query === 'string' ? args.query : undefined;
}

export function fromChaosToolkit(raw: Obj): { plan: Obj; warnings: string[] } {
  const warnings: string[] = [];
  const title = typeof raw.title === 'string' ? raw.title : 'imported experiment';
  const name = slug(title);
  for (const k of ['controls', 'secrets', 'extensions', 'runtime', 'contributions']) if (k in raw) warnings.push(`chaostoolkit: '${k}' has no equivalent and is ignored`);
  const conf = isObj(raw.configuration) ? raw.configuration : {};
  if (Object.keys(conf).length) warnings.push(`chaostoolkit: configuration (${Object.keys(conf).join(', ')}) is not substituted into \${…} references`);
  const tags = Array.isArray(raw.tags) ? raw.tags.filter((t): t is string => typeof t === 'string') : [];
  const target = typeof conf.foresight_target === 'string' ? conf.foresight_target : tags[0] ?? 'unknown';
  if (target === 'unknown') warnings.push(`chaostoolkit: no target (set configuration.foresight_target or a first tag); the experiment's target is 'unknown'`);

  const probes: Obj[] = [];
  const ssh = isObj(raw['steady-state-hypothesis']) ? raw['steady-state-hypothesis'] : undefined;
  const sshProbes = Array.isArray(ssh?.probes) ? ssh.probes : [];
  sshProbes.forEach((p, i) => {
    const where = `steady-state-hypothesis.probes[${i}]`;
    if (!isObj(p)) return void warnings.push(`chaostoolkit: ${where} is not an object; ignored`);
    const q = promQuery(p);
    const tol = toleranceOf(p.tolerance);
    if (q && tol) probes.push({ name: slug(String(p.name ?? `probe-${i}`)), query: q, tolerance: tol });
    else warnings.push(`chaostoolkit: ${where} (${String(p.name ?? '?')}): only Prometheus query probes (chaosprometheus) with a number or [min, max] tolerance map to steady-state probes; ignored`);
  });

  const actions: Obj[] = [];
  const method = Array.isArray(raw.method) ? raw.method : [];
  method.forEach((a, i) => {
    const where = `method[${i}]`;
    if (!isObj(a)) return void warnings.push(`chaostoolkit: ${where} is not an object; ignored`);
    if (a.type === 'probe') return void warnings.push(`chaostoolkit: ${where} (${String(a.name ?? '?')}): probes inside the method are not run; ignored`);
    if (a.ref !== undefined) return void warnings.push(`chaostoolkit: ${where}: references ('ref') are not resolved; ignored`);
    const prov = isObj(a.provider) ? a.provider : {};
    if (prov.type === 'python') return void warnings.push(`chaostoolkit: ${where} (${String(a.name ?? '?')}): python provider ${String(prov.module)}.${String(prov.func)} cannot run here; ignored`);
    const step: Obj = { name: slug(String(a.name ?? `action-${i}`)), action: { kind: 'chaostoolkit', name: String(a.name ?? ''), provider: prov } };
    const after = isObj(a.pauses) ? Number(a.pauses.after) : NaN;
    if (Number.isFinite(after) && after > 0) step.pauseAfter = after;
    if (isObj(a.pauses) && a.pauses.before !== undefined) warnings.push(`chaostoolkit: ${where}: pauses.before is not supported; use the previous step's pauseAfter`);
    if (a.background === true) warnings.push(`chaostoolkit: ${where}: background actions run in order here`);
    actions.push(step);
  });

  const rollbacks = (Array.isArray(raw.rollbacks) ? raw.rollbacks : []).filter((r, i) => {
    const prov = isObj(r) && isObj(r.provider) ? r.provider : {};
    if (prov.type === 'python') warnings.push(`chaostoolkit: rollbacks[${i}]: python provider cannot run here; ignored`);
    return isObj(r) && prov.type !== 'python';
  }) as Obj[];
  if (rollbacks.length) warnings.push('chaostoolkit: rollbacks are paired with the actions by position');
  rollbacks.forEach((r, i) => {
    if (i < actions.length) actions[i]!.rollback = { kind: 'chaostoolkit', name: String(r.name ?? ''), provider: r.provider };
    else warnings.push(`chaostoolkit: rollbacks[${i}] has no action to pair with; ignored`);
  });
  warnings.push('chaostoolkit: it has no monitoring expectations (alert, receiver, RCA, runbook, recovery) and no blast radius; add expect: and guards:');

  return {
    plan: {
      version: 'foresight/chaos-v1',
      name,
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
      experiments: [
        {
          name,
          target,
          ...(typeof ssh?.title === 'string' ? { hypothesis: ssh.title } : {}),
          steadyState: { probes },
          method: actions,
        },
      ],
    },
    warnings,
  };
}
