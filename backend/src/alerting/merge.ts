// Splices Foresight's fragment into the user's alertmanager.yml. Ours is recognisable and replaced on each
// apply: top-level child routes and receivers named `foresight-*`, time intervals named `foresight-*`, and
// inhibit rules carrying the no-op `foresight_managed=""` source matcher. Everything else (and the user's
// comments) is kept as written.
// Our subtree goes first with `continue: true`, so Foresight's alerts also walk the user's tree as before; since
// a matched child keeps the root's own receiver from being used, a last route (marked with the no-op
// `foresight_managed=""` matcher) hands Foresight's alerts that no user route takes to the user's root receiver.
// The user's own alerts never match our selector: they route exactly as before.
import YAML, { isMap, isSeq, isScalar, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { INHIBIT_MARK, NULL_RECEIVER, PREFIX, ROUTE_MARK, type AmFragment } from './routes/types.js';

const ours = (name: unknown): boolean => typeof name === 'string' && name.startsWith(PREFIX);
const marked = (r: unknown): boolean => {
  const ms = isMap(r) ? r.get('matchers') : undefined;
  return isSeq(ms) && ms.items.some((m) => String(isScalar(m) ? m.value : m) === ROUTE_MARK);
};
const COMMENT = ' Managed by Foresight (`foresight alerting apply`): replaced on every apply; edit the policy instead.';

function seqAt(doc: Document, parent: YAMLMap | Document, key: string, where: string): YAMLSeq {
  const v = parent.get(key, true);
  if (v === undefined || v === null || (typeof v === 'object' && 'value' in v && v.value === null)) {
    const s = doc.createNode([]) as YAMLSeq;
    parent.set(key, s);
    return s;
  }
  if (!isSeq(v)) throw new Error(`${where}.${key}: expected a list in the existing Alertmanager config`);
  return v;
}

/** Returns the merged YAML text. Throws naming the field if the user's file has an unexpected shape. */
export function mergeAlertmanagerConfig(userYaml: string, frag: AmFragment, where = 'alertmanager.yml'): string {
  const doc = YAML.parseDocument(userYaml.trim() ? userYaml : '{}');
  if (doc.errors.length) throw new Error(`${where}: not valid YAML: ${doc.errors[0]!.message}`);
  if (!isMap(doc.contents)) {
    if (doc.contents === null || (doc.contents as { value?: unknown }).value === null) doc.contents = doc.createNode({}) as never;
    else throw new Error(`${where}: expected a mapping at the top level`);
  }
  let route = doc.get('route', true);
  if (route === undefined) {
    route = doc.createNode({ receiver: NULL_RECEIVER });
    doc.set('route', route);
  }
  if (!isMap(route)) throw new Error(`${where}: route: expected a mapping`);
  const routes = seqAt(doc, route, 'routes', `${where}: route`);
  routes.items = routes.items.filter((r) => !(isMap(r) && (ours(r.get('receiver')) || marked(r))));
  // Our comment may have been attached to the list or the next item by an earlier apply: strip just that line.
  const strip = (c: string | null | undefined): string | undefined => {
    const kept = (c ?? '').split('\n').filter((l) => l !== COMMENT);
    return kept.length && kept.some((l) => l.trim() !== '') ? kept.join('\n') : undefined;
  };
  routes.commentBefore = strip(routes.commentBefore);
  const first = routes.items[0];
  if (isMap(first)) first.commentBefore = strip(first.commentBefore);
  const sub = doc.createNode(frag.route, { aliasDuplicateObjects: false }) as YAMLMap;
  sub.commentBefore = COMMENT;
  routes.items.unshift(sub);
  const rootReceiver = route.get('receiver');
  if (typeof rootReceiver === 'string' && !ours(rootReceiver) && frag.route.matchers?.length) {
    routes.items.push(doc.createNode({ receiver: rootReceiver, matchers: [...frag.route.matchers, ROUTE_MARK] }, { aliasDuplicateObjects: false }));
  }
  if (routes.items.length === 0) route.delete('routes');

  const receivers = seqAt(doc, doc, 'receivers', where);
  receivers.items = receivers.items.filter((r) => !(isMap(r) && ours(r.get('name'))));
  for (const r of frag.receivers) receivers.items.push(doc.createNode(r, { aliasDuplicateObjects: false }));

  const inhibit = seqAt(doc, doc, 'inhibit_rules', where);
  inhibit.items = inhibit.items.filter((r) => {
    const src = isMap(r) ? r.get('source_matchers') : undefined;
    return !(isSeq(src) && src.items.some((m) => String((m as { value?: unknown }).value ?? m) === INHIBIT_MARK));
  });
  for (const r of frag.inhibit_rules) inhibit.items.push(doc.createNode(r, { aliasDuplicateObjects: false }));

  const intervals = seqAt(doc, doc, 'time_intervals', where);
  intervals.items = intervals.items.filter((t) => !(isMap(t) && ours(t.get('name'))));
  for (const t of frag.time_intervals) intervals.items.push(doc.createNode(t, { aliasDuplicateObjects: false }));
  // Drop lists we emptied so a round trip leaves a file without Foresight parts as it was.
  if (intervals.items.length === 0) doc.delete('time_intervals');
  if (inhibit.items.length === 0) doc.delete('inhibit_rules');
  return doc.toString({ lineWidth: 0 });
}
