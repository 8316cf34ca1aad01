// YAML text of Prometheus rule files, written directly instead of through the `yaml` library's document model
// (which cost about 1 ms per SLO, most of a 5,000-SLO generate). The shape is fixed (groups → rules → labels /
// annotations), so this only has to get scalars right: plain when every YAML 1.1 and 1.2 reader (Go's yaml.v3 in
// Prometheus, yaml.v2 in older tools, JS `yaml`) reads them back as the same string, a literal block for readable
// multi-line PromQL, double quotes otherwise. Key order is fixed: record/alert, expr, for, labels, annotations.
import type { AlertingRule, RecordingRule, RuleGroup } from './generate.js';

// A plain scalar may not start with an indicator, contain ": " or " #", end with ':' or whitespace, or start with
// whitespace; tabs and line breaks are left to quoted styles.
const PLAIN_UNSAFE = /^[-?:,[\]{}#&*!|>'"%@`\s]|: |\s#|:$|\s$|[\t\n\r]/;
// Characters YAML cannot hold unescaped (C0/C1 controls, DEL, lone surrogates: with the `u` flag a valid pair is
// one code point outside the range, BOM, U+FFFE/F) and characters YAML 1.1
// readers treat as line breaks (U+0085, U+2028, U+2029).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\u2028\u2029\ufeff\ufffe\uffff]/u;
// Plain scalars that a YAML 1.1 or 1.2 reader resolves to something other than a string: null, booleans (1.1's
// yes/no/on/off/y/n too), integers (decimal, octal, hex, binary, sexagesimal), floats, .inf/.nan, timestamps,
// and 1.1's merge/value keys.
const NON_STRING = [
  /^(?:~|null|true|false|yes|no|on|off|y|n)$/i,
  /^[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-f_]+)$/i,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?$/,
  /^[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:e[-+]?[0-9]+)?$/i,
  /^[-+]?\.(?:inf|nan)$/i,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
  /^(?:<<|=)$/,
];

const ESCAPES: Record<string, string> = { '\0': '\\0', '\x07': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r', '\x1b': '\\e', '"': '\\"', '\\': '\\\\' };

function doubleQuoted(s: string): string {
  // eslint-disable-next-line no-control-regex -- see NEEDS_ESCAPE
  return `"${s.replace(/["\\\u0000-\u001f\u007f-\u009f\ud800-\udfff\u2028\u2029\ufeff\ufffe\uffff]/gu, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function isPlain(s: string): boolean {
  if (s === '' || PLAIN_UNSAFE.test(s) || NEEDS_ESCAPE.test(s) || s.startsWith('...')) return false;
  // Only strings starting like a number, a word of 1.1's booleans/null, or '<'/'=' can resolve to another type.
  const c = s.charCodeAt(0);
  const maybeTyped = (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 126 || c === 60 || c === 61 || s.length <= 5;
  return !(maybeTyped && NON_STRING.some((r) => r.test(s)));
}

/**
 * `key: value` for a string value: plain, literal block (`|-`, `|`) for multi-line text that it can carry exactly,
 * else double-quoted. `prefix` starts the line (e.g. `  - `); `col` is the key's column as spaces.
 */
function scalarLine(out: string[], prefix: string, key: string, v: string, col = prefix): void {
  if (isPlain(v)) {
    out.push(`${prefix}${key}: ${v}\n`);
    return;
  }
  if (v.includes('\n') && literalOk(v)) {
    const keep = v.endsWith('\n');
    const body = keep ? v.slice(0, -1) : v;
    out.push(`${prefix}${key}: |${keep ? '' : '-'}\n`);
    const inner = `${col}  `;
    for (const line of body.split('\n')) out.push(line === '' ? '\n' : `${inner}${line}\n`);
    return;
  }
  out.push(`${prefix}${key}: ${doubleQuoted(v)}\n`);
}

/**
 * A literal block reads back exactly when: no CR (line breaks are normalized) or characters needing escapes, the
 * first line starts with a visible character (its indentation sets the block's), no more than one trailing newline
 * (clip or strip chomping), and no whitespace-only line (an emitted empty line must stand for an empty line).
 */
function literalOk(v: string): boolean {
  if (v.includes('\r') || NEEDS_ESCAPE.test(v) || /^\s/.test(v) || v.endsWith('\n\n')) return false;
  const body = v.endsWith('\n') ? v.slice(0, -1) : v;
  return !/(?:^|\n)[ \t]+(?:\n|$)/.test(body);
}

function mapping(out: string[], indent: string, key: string, m: Record<string, string>): void {
  const entries = Object.entries(m);
  if (entries.length === 0) {
    out.push(`${indent}${key}: {}\n`);
    return;
  }
  out.push(`${indent}${key}:\n`);
  const inner = `${indent}  `;
  for (const [k, v] of entries) {
    if (isPlain(k)) scalarLine(out, inner, k, v);
    // Implicit keys are limited to 1,024 characters; a longer one takes the explicit `? key` / `: value` form.
    else if (doubleQuoted(k).length <= 1024) scalarLine(out, inner, doubleQuoted(k), v);
    else {
      out.push(`${inner}? ${doubleQuoted(k)}\n`);
      scalarLine(out, inner, '', v);
    }
  }
}

function rule(out: string[], r: RecordingRule | AlertingRule): void {
  const indent = '        ';
  if ('record' in r) scalarLine(out, '      - ', 'record', r.record, indent);
  else scalarLine(out, '      - ', 'alert', r.alert, indent);
  scalarLine(out, indent, 'expr', r.expr);
  if ('for' in r && r.for !== undefined) scalarLine(out, indent, 'for', r.for);
  if (r.labels !== undefined) mapping(out, indent, 'labels', r.labels);
  if ('annotations' in r && r.annotations !== undefined) mapping(out, indent, 'annotations', r.annotations);
}

/** `groups:` document of a Prometheus rule file (block style, two-space indentation, sequences indented). */
export function emitRuleGroups(groups: RuleGroup[]): string {
  if (groups.length === 0) return 'groups: []\n';
  const out: string[] = ['groups:\n'];
  for (const g of groups) {
    scalarLine(out, '  - ', 'name', g.name, '    ');
    if (g.interval !== undefined) scalarLine(out, '    ', 'interval', g.interval);
    if (g.rules.length === 0) out.push('    rules: []\n');
    else {
      out.push('    rules:\n');
      for (const r of g.rules) rule(out, r);
    }
  }
  return out.join('');
}
