// Alertmanager's routing, evaluated in-process (the same walk as `amtool config routes test`, checked against it
// in the tests), and the delivery check an apply must pass: over a matrix of label sets, no alert that reached a
// notifying receiver before may reach none after, and no alert may lose one of the user's receivers.
import YAML from 'yaml';
import { matchesAll, parseMatcher, type Matcher } from './matchers.js';
import { PREFIX } from './routes/types.js';

export type Labels = Record<string, string>;

interface RawRoute {
  receiver?: string;
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  matchers?: string[];
  continue?: boolean;
  routes?: RawRoute[];
}
interface RawConfig {
  route?: RawRoute;
  receivers?: ({ name?: string } & Record<string, unknown>)[];
}

interface Node {
  receiver: string;
  matchers: Matcher[];
  continue: boolean;
  routes: Node[];
}

export interface RoutingTree {
  root: Node;
  /** Receivers that notify someone (at least one `*_configs` entry); others only show alerts in dashboards. */
  notifying: Set<string>;
  /** Every label name and candidate value the tree's matchers mention (for building test matrices). */
  vocabulary: Map<string, Set<string>>;
}

/** Literal values a regex matcher accepts, when it is a plain alternation (`a|b|c`); else one sample value. */
function samples(m: Matcher): string[] {
  if (m.op === '=') return [m.value];
  if (m.op === '!=') return [m.value, `not-${m.value}`];
  const alts = m.value.replace(/^\^|\$$/g, '').replace(/^\((.*)\)$/, '$1').split('|');
  const literal = alts.filter((a) => /^[A-Za-z0-9_\-:/ ]*$/.test(a.replace(/\\\./g, '.')));
  const out = literal.map((a) => a.replace(/\\\./g, '.'));
  // Also try a value the regex should reject, and one `.+` would accept.
  return [...out, 'other'];
}

/** Parses an alertmanager.yml (text) into a routing tree; throws naming the route path on a bad matcher. */
export function routingTree(text: string, where = 'alertmanager.yml'): RoutingTree {
  const cfg = (YAML.parse(text) ?? {}) as RawConfig;
  const vocabulary = new Map<string, Set<string>>();
  const note = (m: Matcher) => {
    const s = vocabulary.get(m.label) ?? vocabulary.set(m.label, new Set()).get(m.label)!;
    for (const v of samples(m)) s.add(v);
  };
  const build = (r: RawRoute, parentReceiver: string, path: string): Node => {
    const ms: Matcher[] = [];
    for (const [k, v] of Object.entries(r.match ?? {})) ms.push({ label: k, op: '=', value: String(v) });
    for (const [k, v] of Object.entries(r.match_re ?? {})) ms.push(parseMatcher(`${k}=~${JSON.stringify(String(v))}`, `${where}: ${path}.match_re`));
    (r.matchers ?? []).forEach((t, i) => {
      // Alertmanager also accepts `{a="b", c=~"d"}` in one entry.
      const inner = String(t).trim().replace(/^\{(.*)\}$/, '$1');
      for (const part of inner.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).filter((p) => p.trim())) ms.push(parseMatcher(part, `${where}: ${path}.matchers[${i}]`));
    });
    ms.forEach(note);
    const receiver = r.receiver ?? parentReceiver;
    return { receiver, matchers: ms, continue: r.continue === true, routes: (r.routes ?? []).map((c, i) => build(c, receiver, `${path}.routes[${i}]`)) };
  };
  const root = build(cfg.route ?? {}, '', 'route');
  const notifying = new Set<string>();
  for (const r of cfg.receivers ?? []) {
    const has = Object.entries(r).some(([k, v]) => k.endsWith('_configs') && Array.isArray(v) && v.length > 0);
    if (has && r.name) notifying.add(r.name);
  }
  return { root, notifying, vocabulary };
}

/** Receivers an alert reaches, in tree order (as `amtool config routes test` prints them). */
export function routeAlert(t: RoutingTree, labels: Labels): string[] {
  const walk = (n: Node): string[] => {
    const out: string[] = [];
    let matched = false;
    for (const c of n.routes) {
      if (!matchesAll(c.matchers, labels)) continue;
      matched = true;
      out.push(...walk(c));
      if (!c.continue) break;
    }
    return matched ? out : [n.receiver];
  };
  return walk(t.root);
}

export interface DeliveryProblem {
  labels: Labels;
  before: string[];
  after: string[];
  why: string;
}

/**
 * Label sets to test: the given ones (live alerts, generated rules), each alone and combined with every label
 * value the two trees' matchers mention, one at a time. Capped so a huge tree stays a bounded check.
 */
export function labelMatrix(trees: RoutingTree[], seen: Labels[], cap = 20_000): Labels[] {
  const vocab = new Map<string, Set<string>>();
  for (const t of trees) for (const [k, vs] of t.vocabulary) for (const v of vs) (vocab.get(k) ?? vocab.set(k, new Set()).get(k)!).add(v);
  const bases: Labels[] = [{}, ...seen];
  const out = new Map<string, Labels>();
  const add = (l: Labels) => {
    if (out.size < cap) out.set(JSON.stringify(Object.entries(l).sort()), l);
  };
  for (const b of bases) {
    add(b);
    for (const [k, vs] of vocab) for (const v of vs) add({ ...b, [k]: v });
  }
  // Pairs of vocabulary labels on an empty base, so nested routes (service + severity) are reached.
  const pairs = [...vocab].flatMap(([k, vs]) => [...vs].map((v) => [k, v] as const));
  for (let i = 0; i < pairs.length; i++) for (let j = i + 1; j < pairs.length; j++) if (pairs[i]![0] !== pairs[j]![0]) add({ [pairs[i]![0]]: pairs[i]![1], [pairs[j]![0]]: pairs[j]![1] });
  return [...out.values()];
}

/** Compares delivery before and after; empty = the new tree never reduces delivery. */
export function deliveryProblems(before: RoutingTree, after: RoutingTree, matrix: Labels[]): DeliveryProblem[] {
  const problems: DeliveryProblem[] = [];
  for (const labels of matrix) {
    const b = routeAlert(before, labels);
    const a = routeAlert(after, labels);
    const bn = b.filter((r) => before.notifying.has(r));
    const an = a.filter((r) => after.notifying.has(r));
    if (bn.length > 0 && an.length === 0) problems.push({ labels, before: b, after: a, why: `reached ${bn.join(', ')} before, now reaches no notifying receiver` });
    else {
      const lost = b.filter((r) => !r.startsWith(PREFIX) && !a.includes(r));
      if (lost.length) problems.push({ labels, before: b, after: a, why: `no longer reaches the user's receiver ${lost.join(', ')}` });
    }
  }
  return problems;
}

export class DeliveryError extends Error {
  constructor(readonly problems: DeliveryProblem[]) {
    const show = problems.slice(0, 10).map((p) => `  {${Object.entries(p.labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}: ${p.why} (before: ${p.before.join(',') || '-'}; after: ${p.after.join(',') || '-'})`);
    super(`refusing the new Alertmanager route tree: it would reduce delivery for ${problems.length} alert label set(s):\n${show.join('\n')}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}`);
    this.name = 'DeliveryError';
  }
}

/** Throws DeliveryError when `afterText` would deliver less than `beforeText` for any label set tested. */
export function assertDelivery(beforeText: string, afterText: string, seen: Labels[] = []): { tested: number } {
  const before = routingTree(beforeText, 'current alertmanager.yml');
  const after = routingTree(afterText, 'new alertmanager.yml');
  const matrix = labelMatrix([before, after], seen);
  const p = deliveryProblems(before, after, matrix);
  if (p.length) throw new DeliveryError(p);
  return { tested: matrix.length };
}
