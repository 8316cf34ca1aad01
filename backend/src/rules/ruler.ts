// Push rule groups to a Mimir/Cortex ruler instead of files: one POST per group to
// `<base>/prometheus/config/v1/rules/{namespace}` with the group as a YAML body and the tenant in X-Scope-OrgID.
import { parse, stringify } from 'yaml';

export interface RulerOptions {
  /** e.g. http://mimir:8080 (the `/prometheus` prefix is Mimir's default `-http.prometheus-http-prefix`). */
  url: string;
  namespace: string;
  tenant?: string;
  prefix?: string;
  headers?: Record<string, string>;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  timeoutMs?: number;
}

function headersOf(o: RulerOptions, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...(o.headers ?? {}), ...extra };
  if (o.tenant) h['X-Scope-OrgID'] = o.tenant;
  if (o.bearerToken) h.Authorization = `Bearer ${o.bearerToken}`;
  else if (o.basicAuth) h.Authorization = `Basic ${Buffer.from(`${o.basicAuth.username}:${o.basicAuth.password}`).toString('base64')}`;
  return h;
}

const base = (o: RulerOptions) => `${o.url.replace(/\/+$/, '')}${o.prefix ?? '/prometheus'}/config/v1/rules/${encodeURIComponent(o.namespace)}`;

/** Splits rule files into their groups (the ruler API takes one group per request). */
export function groupsOfFiles(files: Record<string, string>): { file: string; group: { name: string } & Record<string, unknown> }[] {
  const out: { file: string; group: { name: string } & Record<string, unknown> }[] = [];
  for (const [file, text] of Object.entries(files)) {
    const doc = parse(text) as { groups?: ({ name?: unknown } & Record<string, unknown>)[] } | null;
    for (const g of doc?.groups ?? []) {
      if (typeof g.name !== 'string') throw new Error(`ruler: ${file}: a group has no name`);
      out.push({ file, group: g as { name: string } & Record<string, unknown> });
    }
  }
  return out;
}

export async function pushRuleGroups(o: RulerOptions, files: Record<string, string>): Promise<{ pushed: string[] }> {
  const pushed: string[] = [];
  for (const { file, group } of groupsOfFiles(files)) {
    const res = await fetch(base(o), {
      method: 'POST',
      headers: headersOf(o, { 'Content-Type': 'application/yaml' }),
      body: stringify(group, { lineWidth: 0, aliasDuplicateObjects: false }),
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    if (!res.ok) {
      throw new Error(`ruler: POST ${base(o)} (group '${group.name}' from ${file}): HTTP ${res.status}: ${(await res.text()).trim().slice(0, 500)}; pushed before the failure: ${pushed.join(', ') || 'none'}`);
    }
    pushed.push(group.name);
  }
  return { pushed };
}

export async function deleteRuleGroup(o: RulerOptions, group: string): Promise<void> {
  const res = await fetch(`${base(o)}/${encodeURIComponent(group)}`, { method: 'DELETE', headers: headersOf(o), signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
  if (!res.ok && res.status !== 404) throw new Error(`ruler: DELETE group '${group}': HTTP ${res.status}`);
}

/** GET the namespace back (YAML map namespace → groups) so callers can confirm what the ruler stored. */
export async function listRuleGroups(o: RulerOptions): Promise<string[]> {
  const res = await fetch(base(o), { headers: headersOf(o), signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`ruler: GET ${base(o)}: HTTP ${res.status}`);
  const doc = parse(await res.text()) as Record<string, { name: string }[]> | null;
  return (doc?.[o.namespace] ?? []).map((g) => g.name);
}
