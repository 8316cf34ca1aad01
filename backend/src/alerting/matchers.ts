// Alertmanager matchers (`label="v"`, `label!="v"`, `label=~"re"`, `label!~"re"`): parsing, evaluation
// against a label set, and the escaping used when we generate them. Regexes are anchored, as in Alertmanager.
export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface Matcher { label: string; op: MatchOp; value: string; re?: RegExp }

const MATCHER_RE = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"\s]*))\s*$/;

/** Parses one matcher; throws naming `where` and the reason. */
export function parseMatcher(text: string, where: string): Matcher {
  const m = MATCHER_RE.exec(text);
  if (!m) throw new Error(`${where}: '${text}' is not a matcher (expected label="value", label!="value", label=~"regex" or label!~"regex")`);
  const op = m[2] as MatchOp;
  const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? '');
  const out: Matcher = { label: m[1]!, op, value };
  if (op === '=~' || op === '!~') {
    try {
      out.re = new RegExp(`^(?:${value})$`);
    } catch (e) {
      throw new Error(`${where}: '${text}' has an invalid regular expression: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Absent labels count as the empty string, as in Alertmanager. */
export function matches(m: Matcher, labels: Record<string, string>): boolean {
  const v = labels[m.label] ?? '';
  switch (m.op) {
    case '=': return v === m.value;
    case '!=': return v !== m.value;
    case '=~': return m.re!.test(v);
    case '!~': return !m.re!.test(v);
  }
}

export function matchesAll(ms: Matcher[], labels: Record<string, string>): boolean {
  return ms.every((m) => matches(m, labels));
}

/** `label="value"` with the value escaped for Alertmanager's matcher syntax. */
export function eq(label: string, value: string): string {
  return `${label}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `label=~"a|b"` for literal values (regex metacharacters escaped). */
export function oneOf(label: string, values: string[]): string {
  if (values.length === 1) return eq(label, values[0]!);
  const alt = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return `${label}=~"${alt.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Two matchers that can never hold together (the same label pinned to different values, or `=x` with `!=x`). */
export function contradiction(ms: Matcher[]): string | undefined {
  for (const a of ms) {
    if (a.op !== '=') continue;
    for (const b of ms) {
      if (a === b || b.label !== a.label) continue;
      const probe = { [a.label]: a.value };
      if (!matches(b, probe)) return `${a.label}${a.op}"${a.value}" and ${b.label}${b.op}"${b.value}" cannot both hold`;
    }
  }
  return undefined;
}
