// Components from the labels a stack already has (pure): `service`, Kubernetes `namespace`/`pod` folded
// into their workload, `container`, and every scraped `job`. Each component carries the PromQL label
// matchers that select its series, so any query template can be narrowed to it.

export type ComponentSource = 'service' | 'workload' | 'container' | 'job';

export interface Component {
  /** Display name and key (`checkout`, `shop/cart`, `node`). */
  name: string;
  /** PromQL label matchers without braces, e.g. `job="node"` or `namespace="shop",pod=~"cart-…"`. */
  selector: string;
  source: ComponentSource;
}

/** A value as a PromQL double-quoted string body. */
export function promString(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A value as an RE2 regular expression matching it literally. */
export function regexLiteral(v: string): string {
  return v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The workload a pod belongs to, from its name: Deployments name pods `<name>-<replicaset hash>-<5 chars>`,
 * DaemonSets and Jobs `<name>-<5 chars>`, StatefulSets `<name>-<ordinal>`. The generated parts use
 * Kubernetes' vowel-free alphabet (so `node-exporter` is not mistaken for a hash). Anything else is its own workload.
 */
export function workloadOfPod(pod: string): string {
  const m = DEPLOYMENT_POD.exec(pod) ?? SET_POD.exec(pod) ?? STATEFUL_POD.exec(pod);
  return m ? m[1]! : pod;
}

const K = '[bcdfghjklmnpqrstvwxz2456789]';
const DEPLOYMENT_POD = new RegExp(`^(.+)-${K}{6,10}-${K}{5}$`);
const SET_POD = new RegExp(`^(.+)-${K}{5}$`);
const STATEFUL_POD = /^(.+)-[0-9]+$/;
const POD_SUFFIX = `(-${K}{6,10})?-${K}{5}|-[0-9]+`;

/** Label sets seen per source → components, deduplicated by name (earlier sources win), sorted, capped. */
export function componentsFromLabels(
  seen: { services?: string[]; pods?: { namespace: string; pod: string }[]; containers?: string[]; jobs?: string[] },
  max = 200,
): Component[] {
  const out = new Map<string, Component>();
  const add = (c: Component): void => {
    if (c.name && !out.has(c.name)) out.set(c.name, c);
  };
  for (const s of [...(seen.services ?? [])].sort()) add({ name: s, selector: `service="${promString(s)}"`, source: 'service' });
  const workloads = new Map<string, { namespace: string; workload: string }>();
  for (const p of seen.pods ?? []) {
    const workload = workloadOfPod(p.pod);
    workloads.set(`${p.namespace}/${workload}`, { namespace: p.namespace, workload });
  }
  for (const [name, w] of [...workloads].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const pod = `${regexLiteral(w.workload)}(${POD_SUFFIX})?`;
    add({ name, selector: `namespace="${promString(w.namespace)}",pod=~"${promString(pod)}"`, source: 'workload' });
  }
  for (const c of [...(seen.containers ?? [])].sort()) add({ name: c, selector: `container="${promString(c)}"`, source: 'container' });
  for (const j of [...(seen.jobs ?? [])].sort()) add({ name: j, selector: `job="${promString(j)}"`, source: 'job' });
  return [...out.values()].slice(0, max);
}

/** A component named by one label (a configured `componentLabel`). */
export function componentOfLabel(label: string, value: string): Component {
  return { name: value, selector: `${label}="${promString(value)}"`, source: label === 'job' ? 'job' : 'service' };
}

/** Fills `{{selector}}` (the component's matchers) and `{{component}}` (its name, escaped) in a template. */
export function fillComponent(template: string, c: Pick<Component, 'name' | 'selector'>): string {
  return template.replaceAll('{{selector}}', c.selector).replaceAll('{{component}}', promString(c.name));
}
