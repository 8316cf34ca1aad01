// Cross-field checks zod cannot express: every receiver a policy names exists, and no generated route is
// dead (a tier whose severities the selector rejects or an earlier tier already takes, a service two teams
// claim). Each problem names the config field, so `foresight alerting check` points at the line to fix.
import { isAbsolute, normalize } from 'node:path';
import { TIERS, type AlertingConfig } from '../config.js';
import { contradiction, matchesAll, parseMatcher, type Matcher } from '../matchers.js';

export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid alerting policy:\n  ${problems.join('\n  ')}`);
    this.name = 'PolicyError';
  }
}

/** Returns the list of problems (empty when the policy is sound). */
export function policyProblems(c: AlertingConfig): string[] {
  const p: string[] = [];
  const known = new Set<string>();
  c.receivers.forEach((r, i) => {
    if (known.has(r.name)) p.push(`alerting.receivers[${i}].name: duplicate receiver '${r.name}'`);
    known.add(r.name);
  });
  const list = [...known].join(', ') || 'none declared';
  const checkRefs = (names: string[], field: string): void =>
    names.forEach((n, i) => {
      if (!known.has(n)) p.push(`${field}[${i}]: unknown receiver '${n}' (known: ${list})`);
    });

  const parse = (texts: string[], field: string): Matcher[] =>
    texts.flatMap((t, i) => {
      try {
        return [parseMatcher(t, `${field}[${i}]`)];
      } catch (e) {
        p.push((e as Error).message);
        return [];
      }
    });
  const selector = parse(c.selector, 'alerting.selector');
  const contra = contradiction(selector);
  if (contra) p.push(`alerting.selector: ${contra}; no alert could ever reach Foresight's routes`);
  parse(c.inhibit.downMatchers, 'alerting.inhibit.downMatchers');
  parse(c.inhibit.symptomMatchers, 'alerting.inhibit.symptomMatchers');

  const severityTier = new Map<string, string>();
  for (const t of TIERS) {
    const tier = c.tiers[t];
    const f = `alerting.tiers.${t}`;
    checkRefs(tier.receivers, `${f}.receivers`);
    if (tier.escalation) checkRefs(tier.escalation.receivers, `${f}.escalation.receivers`);
    if (tier.severities.length === 0) p.push(`${f}.severities: empty; the tier's route could never match`);
    tier.severities.forEach((s, i) => {
      // Only the selector's matchers on `severity` can reject a tier; others (e.g. foresight_source) are independent.
      if (!matchesAll(selector.filter((m) => m.label === 'severity'), { severity: s }))
        p.push(`${f}.severities[${i}]: severity '${s}' is rejected by alerting.selector; the route could never match it`);
      const prev = severityTier.get(s);
      if (prev) p.push(`${f}.severities[${i}]: severity '${s}' is already taken by tier '${prev}' (earlier routes win); the route could never match it`);
      else severityTier.set(s, t);
    });
  }

  const teamNames = new Map<string, number>();
  const serviceTeam = new Map<string, string>();
  c.teams.forEach((team, i) => {
    const f = `alerting.teams[${i}]`;
    if (teamNames.has(team.name)) p.push(`${f}.name: duplicate team '${team.name}' (teams[${teamNames.get(team.name)}]); its routes could never match`);
    teamNames.set(team.name, i);
    for (const t of TIERS) checkRefs(team.receivers[t] ?? [], `${f}.receivers.${t}`);
    team.services.forEach((s, j) => {
      const owner = serviceTeam.get(s);
      if (owner) p.push(`${f}.services[${j}]: service '${s}' is already routed to team '${owner}'; this route could never match it`);
      else serviceTeam.set(s, team.name);
    });
  });

  const windows = new Set<string>();
  c.maintenance.forEach((w, i) => {
    if (windows.has(w.name)) p.push(`alerting.maintenance[${i}].name: duplicate window '${w.name}'`);
    windows.add(w.name);
  });

  const actions = new Set<string>();
  c.remediation.actions.forEach((a, i) => {
    const f = `alerting.remediation.actions[${i}]`;
    if (actions.has(a.name)) p.push(`${f}.name: duplicate action '${a.name}'`);
    actions.add(a.name);
    const ms = parse(a.match, `${f}.match`);
    const ac = contradiction(ms);
    if (ac) p.push(`${f}.match: ${ac}; the action could never match an alert`);
    for (const [k, prm] of Object.entries(a.params)) {
      try {
        new RegExp(prm.pattern);
      } catch (e) {
        p.push(`${f}.params.${k}.pattern: invalid regular expression: ${(e as Error).message}`);
      }
    }
    if (a.run.kind === 'script') {
      const s = normalize(a.run.script);
      if (isAbsolute(a.run.script) || s.startsWith('..'))
        p.push(`${f}.run.script: '${a.run.script}' is outside the allow-listed directory alerting.remediation.scriptDir ('${c.remediation.scriptDir}'); give a name inside it`);
    }
  });
  return p;
}

export function assertPolicy(c: AlertingConfig): void {
  const p = policyProblems(c);
  if (p.length) throw new PolicyError(p);
}
