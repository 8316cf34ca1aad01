// PromQL syntax checks with Prometheus' own lezer grammar, plus `{{.window}}` placeholder handling.
// The grammar is syntax-only (no type checks); `promtool check rules` remains the final word on generated files.
import { parser } from '@prometheus-io/lezer-promql';

const WINDOW_RE = /\{\{\s*\.window\s*\}\}/g;

export function hasWindowPlaceholder(q: string): boolean {
  return new RegExp(WINDOW_RE.source).test(q);
}

/** Replaces every `{{.window}}` (Sloth's Go-template placeholder; spaces allowed) with a duration. */
export function substituteWindow(q: string, window: string): string {
  return q.replace(WINDOW_RE, window);
}

/** Returns undefined when `expr` parses, else a message pointing at the first syntax error. */
export function promqlSyntaxError(expr: string): string | undefined {
  if (expr.trim() === '') return 'empty PromQL expression';
  const leftover = /\{\{[^}]*\}\}/.exec(expr);
  if (leftover) return `unknown placeholder '${leftover[0]}' (only {{.window}} is supported)`;
  const tree = parser.parse(expr);
  let at = -1;
  tree.iterate({
    enter: (n) => {
      if (at < 0 && n.type.isError) at = n.from;
      return at < 0;
    },
  });
  if (at < 0) return undefined;
  const near = expr.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, ' ');
  return `PromQL syntax error at offset ${at} (near '${near}')`;
}

/** Name of the top-level node ('VectorSelector', 'AggregateExpr', …) of a parsed expression. */
export function topNodeName(expr: string): string | undefined {
  return parser.parse(expr).topNode.firstChild?.name;
}

/** Adds a matcher to a `{…}` selector string: ('{service="a"}', 'le="0.3"') → '{service="a",le="0.3"}'. */
export function addMatcher(selector: string, matcher: string): string {
  const inner = selector.trim().replace(/^\{/, '').replace(/\}$/, '').trim();
  return `{${inner ? `${inner},` : ''}${matcher}}`;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const isLabelName = (s: string): boolean => LABEL_NAME.test(s);
export const isMetricName = (s: string): boolean => METRIC_NAME.test(s);

/** Formats a number for PromQL/label text without float noise (0.1+0.2 → "0.3"). */
export function num(x: number): string {
  return String(Number(x.toPrecision(12)));
}
