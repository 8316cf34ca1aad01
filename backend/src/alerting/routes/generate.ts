// Routing policy → Foresight's fragment of alertmanager.yml. Shape of the tree (first match wins):
//   <selector>, continue: true          receiver foresight-null (dashboard only); continue so the user's own
//   │                                   tree still sees Foresight's alerts exactly as before the merge
//   ├── (any), continue: true           foresight-companion: the companion's webhook, when alerting.webhook.url is set
//   ├── service=~"<window services>"    one per service-scoped maintenance window, repeats the tiers below
//   └── severity=~"<tier severities>"   one per tier: group_by/wait/interval/repeat of the tier
//       ├── escalate="true"             the companion re-fires unacknowledged alerts with this label
//       ├── team="<t>"                  per team with receivers for the tier
//       └── service=~"<team services>"
import type { AlertingConfig, ReceiverDef, Tier } from '../config.js';
import { TIERS } from '../config.js';
import { eq, oneOf } from '../matchers.js';
import { combinedReceiver, SecretPaths } from './receivers.js';
import { COMPANION_RECEIVER, INHIBIT_MARK, NULL_RECEIVER, PREFIX, type AmFragment, type AmInhibitRule, type AmReceiver, type AmRoute, type AmTimeInterval, type SecretFile } from './types.js';
import { assertPolicy } from './validate.js';

export interface Generated { fragment: AmFragment; secrets: SecretFile[] }

export function receiverName(tier: Tier, team?: string, escalation = false): string {
  return `${PREFIX}${tier}${team ? `-team-${team}` : ''}${escalation ? '-escalation' : ''}`;
}
export const windowName = (w: string): string => `${PREFIX}maint-${w}`;

/** Validates the policy (throws PolicyError naming fields) and builds the fragment. Pure apart from path resolution. */
export function generateAlertmanager(c: AlertingConfig): Generated {
  assertPolicy(c);
  const secrets = new SecretPaths(c.secretsDir);
  const defs = new Map(c.receivers.map((r) => [r.name, r]));
  const receivers = new Map<string, AmReceiver>([[NULL_RECEIVER, { name: NULL_RECEIVER }]]);
  // Empty receiver lists fall back to the null receiver: the alert stays visible in dashboards only.
  const receiver = (name: string, names: string[]): string => {
    if (names.length === 0) return NULL_RECEIVER;
    if (!receivers.has(name)) receivers.set(name, combinedReceiver(name, names.map((n) => defs.get(n) as ReceiverDef), secrets));
    return name;
  };

  const globalWindows = c.maintenance.filter((w) => w.services.length === 0).map((w) => windowName(w.name));
  // Fresh arrays everywhere: shared objects would serialize as YAML anchors/aliases.
  const mute = (names: string[]): Partial<AmRoute> => (names.length ? { mute_time_intervals: [...names] } : {});

  const tierRoutes = (mutes: string[]): AmRoute[] =>
    TIERS.map((t) => {
      const tier = c.tiers[t];
      const children: AmRoute[] = [];
      if (tier.escalation) children.push({ receiver: receiver(receiverName(t, undefined, true), tier.escalation.receivers), matchers: ['escalate="true"'], ...mute(mutes) });
      for (const team of c.teams) {
        const names = team.receivers[t];
        if (!names) continue;
        const r = receiver(receiverName(t, team.name), names);
        children.push({ receiver: r, matchers: [eq('team', team.name)], ...mute(mutes) });
        if (team.services.length) children.push({ receiver: r, matchers: [oneOf('service', team.services)], ...mute(mutes) });
      }
      return {
        receiver: receiver(receiverName(t), tier.receivers),
        matchers: [oneOf('severity', tier.severities)],
        group_by: [...tier.groupBy],
        group_wait: tier.groupWait,
        group_interval: tier.groupInterval,
        repeat_interval: tier.repeatInterval,
        ...mute(mutes),
        ...(children.length ? { routes: children } : {}),
      };
    });

  const windowRoutes: AmRoute[] = c.maintenance
    .filter((w) => w.services.length > 0)
    .map((w) => ({ receiver: NULL_RECEIVER, matchers: [oneOf('service', w.services)], routes: tierRoutes([...globalWindows, windowName(w.name)]) }));

  const companion = companionReceiver(c, secrets);
  if (companion) receivers.set(COMPANION_RECEIVER, companion);
  const companionRoute: AmRoute[] = companion ? [{ receiver: COMPANION_RECEIVER, continue: true }] : [];
  const route: AmRoute = { receiver: NULL_RECEIVER, matchers: [...c.selector], continue: true, routes: [...companionRoute, ...windowRoutes, ...tierRoutes(globalWindows)] };

  const time_intervals: AmTimeInterval[] = c.maintenance.map((w) => ({
    name: windowName(w.name),
    time_intervals: w.intervals.map((i) => ({
      ...(i.weekdays ? { weekdays: i.weekdays } : {}),
      ...(i.times ? { times: i.times.map((x) => ({ start_time: x.start, end_time: x.end })) } : {}),
      ...(i.daysOfMonth ? { days_of_month: i.daysOfMonth } : {}),
      ...(i.months ? { months: i.months } : {}),
      ...(i.years ? { years: i.years } : {}),
      ...(i.location ? { location: i.location } : {}),
    })),
  }));

  return { fragment: { route, receivers: [...receivers.values()], inhibit_rules: inhibitRules(c), time_intervals }, secrets: secrets.files };
}

/** The companion's webhook receiver; its secret only ever by path (`credentials_file`). */
function companionReceiver(c: AlertingConfig, secrets: SecretPaths): AmReceiver | undefined {
  const w = c.webhook;
  if (!w.url) return undefined;
  const credentials = w.credentialsFile ?? (w.secret ? secrets.path(w.secret, 'companion-webhook', 'secret') : undefined);
  return {
    name: COMPANION_RECEIVER,
    webhook_configs: [{ url: w.url, send_resolved: true, ...(credentials ? { http_config: { authorization: { type: 'Bearer', credentials_file: credentials } } } : {}) }],
  };
}

/**
 * A complete alertmanager.yml for a stack without one of its own: the root (which must have no matchers) sends
 * everything else to the companion's webhook, or nowhere when no webhook is configured.
 */
export function standaloneConfig(g: Generated): Record<string, unknown> {
  const f = g.fragment;
  const hasCompanion = f.receivers.some((r) => r.name === COMPANION_RECEIVER);
  return {
    route: { receiver: hasCompanion ? COMPANION_RECEIVER : NULL_RECEIVER, group_by: ['alertname', 'service'], routes: [f.route] },
    receivers: f.receivers,
    ...(f.inhibit_rules.length ? { inhibit_rules: f.inhibit_rules } : {}),
    ...(f.time_intervals.length ? { time_intervals: f.time_intervals } : {}),
  };
}

function inhibitRules(c: AlertingConfig): AmInhibitRule[] {
  const rules: AmInhibitRule[] = [];
  // A page and a ticket of the same SLO fire together on a fast burn; the page is enough.
  if (c.inhibit.pageInhibitsTicket)
    rules.push({ source_matchers: ['foresight_tier="page"', INHIBIT_MARK], target_matchers: ['foresight_tier="ticket"'], equal: ['service', 'slo'] });
  // A down component explains its dependants' symptoms (transitively: db down → cart → frontend).
  const dependants = new Map<string, Set<string>>();
  for (const s of c.services) for (const d of s.dependsOn) (dependants.get(d) ?? dependants.set(d, new Set()).get(d)!).add(s.name);
  for (const down of [...dependants.keys()].sort()) {
    const seen = new Set<string>();
    const stack = [...dependants.get(down)!];
    while (stack.length) {
      const s = stack.pop()!;
      if (s === down || seen.has(s)) continue;
      seen.add(s);
      stack.push(...(dependants.get(s) ?? []));
    }
    if (seen.size === 0) continue;
    rules.push({
      source_matchers: [...c.inhibit.downMatchers, eq('service', down), INHIBIT_MARK],
      target_matchers: [...c.inhibit.symptomMatchers, oneOf('service', [...seen].sort())],
    });
  }
  return rules;
}
