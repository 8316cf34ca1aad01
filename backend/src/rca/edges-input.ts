// Reads a dependency graph for the offline RCA (`foresight rca --edges FILE`) in the shapes users have:
//  - CSV adjacency: a header row of component names, then one row per caller whose first cell is its name;
//    a non-zero cell at row r, column c means r calls c;
//  - CSV edge list: two columns `caller,callee` (a header row of exactly those words is optional);
//  - JSON: [{caller, callee}], [[caller, callee]], {caller: [callee, …]}, or a Prometheus instant-query
//    answer for the service graph (`traces_service_graph_request_total` by client, server), as
//    /api/v1/query returns it: {data: {result: [{metric: {client, server}, value: [t, "n"]}]}}.
import type { DependencyEdge } from './model/index.js';
import { CsvInputError } from './csv-input.js';

export function parseEdges(text: string, file: string): DependencyEdge[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new CsvInputError(`${file}: the edges file is empty`);
  const edges = trimmed.startsWith('{') || trimmed.startsWith('[') ? fromJson(trimmed, file) : fromCsv(text, file);
  const seen = new Map<string, DependencyEdge>();
  for (const e of edges) if (e.caller !== e.callee) seen.set(`${e.caller}\u0000${e.callee}`, e);
  return [...seen.values()];
}

function fromJson(text: string, file: string): DependencyEdge[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CsvInputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const name = (v: unknown, where: string): string => {
    if (typeof v !== 'string' || v === '') throw new CsvInputError(`${file}: ${where} must be a non-empty string`);
    return v;
  };
  if (Array.isArray(doc)) {
    return doc.map((x, i) => {
      if (Array.isArray(x) && x.length === 2) return { caller: name(x[0], `[${i}][0]`), callee: name(x[1], `[${i}][1]`) };
      if (x && typeof x === 'object') {
        const o = x as Record<string, unknown>;
        return { caller: name(o.caller, `[${i}].caller`), callee: name(o.callee, `[${i}].callee`) };
      }
      throw new CsvInputError(`${file}: [${i}] must be {caller, callee} or [caller, callee]`);
    });
  }
  const o = doc as Record<string, unknown>;
  const result = (o.data as { result?: unknown } | undefined)?.result;
  if (Array.isArray(result)) {
    const out: DependencyEdge[] = [];
    result.forEach((r, i) => {
      const m = (r as { metric?: Record<string, unknown> }).metric ?? {};
      const v = Number((r as { value?: unknown[] }).value?.[1]);
      if (!(v > 0)) return; // no traffic on this edge in the queried range
      out.push({ caller: name(m.client, `data.result[${i}].metric.client`), callee: name(m.server, `data.result[${i}].metric.server`) });
    });
    return out;
  }
  const out: DependencyEdge[] = [];
  for (const [caller, callees] of Object.entries(o)) {
    if (!Array.isArray(callees)) throw new CsvInputError(`${file}: '${caller}' must map to a list of callees`);
    callees.forEach((c, i) => out.push({ caller, callee: name(c, `'${caller}'[${i}]`) }));
  }
  return out;
}

function fromCsv(text: string, file: string): DependencyEdge[] {
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ cells: l.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1')), no: i + 1, blank: l.trim() === '' || l.startsWith('#') }))
    .filter((l) => !l.blank);
  const head = lines[0]!.cells;
  // An edge list has two columns, and its cells are names, not 0/1 weights.
  if (head.length === 2 && lines.every((l) => l.cells.length === 2 && !/^[-+.\d]+$/.test(l.cells[1]!))) {
    const body = /^caller$/i.test(head[0]!) && /^callee$/i.test(head[1]!) ? lines.slice(1) : lines;
    return body.map((l) => {
      if (!l.cells[0] || !l.cells[1]) throw new CsvInputError(`${file}: line ${l.no}: caller and callee must both be named`);
      return { caller: l.cells[0], callee: l.cells[1] };
    });
  }
  const out: DependencyEdge[] = [];
  for (const l of lines.slice(1)) {
    if (l.cells.length !== head.length) throw new CsvInputError(`${file}: line ${l.no} has ${l.cells.length} cells, the header has ${head.length}`);
    const caller = l.cells[0]!;
    if (!caller) throw new CsvInputError(`${file}: line ${l.no}: the first cell must name the calling component`);
    for (let c = 1; c < head.length; c++) {
      const cell = l.cells[c]!;
      const v = cell === '' ? 0 : Number(cell);
      if (Number.isNaN(v)) throw new CsvInputError(`${file}: line ${l.no}, column '${head[c]}': '${cell}' is not a number (adjacency cells are call counts or 0/1)`);
      if (v !== 0) out.push({ caller, callee: head[c]! });
    }
  }
  return out;
}
