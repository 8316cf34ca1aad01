// `foresight rca --input FILE.csv --fault-time T [--component-pattern REGEX] [--edges FILE] [--edge CALLER=CALLEE …] [--json]`:
// offline root-cause ranking of a wide CSV (timestamp column, then one column per series).
// `foresight rca incidents --store FILE [--symptom WORDS] [--component C] [--json]`: search past incidents.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { rankRootCauses, RcaInputError, type DependencyEdge } from '../../rca/model/index.js';
import { parseWideCsv, parseTime, CsvInputError } from '../../rca/csv-input.js';
import { parseEdges } from '../../rca/edges-input.js';
import { KnowledgeBase } from '../../rca/knowledge-base.js';
import { openStore } from '../../store/db.js';

const USAGE = `usage: foresight rca --input FILE.csv --fault-time T [--component-pattern REGEX] [--edges FILE] [--edge CALLER=CALLEE]... [--json]
  FILE.csv            first column the timestamp (a number, or an ISO date; ISO dates without a zone are UTC),
                      then one column per series. Rows may come in any order; rows sharing a timestamp are
                      averaged; text columns are skipped; cells may be empty, NaN or inf (ignored as missing)
  --fault-time T      incident/fault time in the file's own time unit (or an ISO date if the file uses them)
  --component-pattern the component of a column is the pattern's first capture group (default: text before the first '_')
  --edges FILE        dependency graph: CSV adjacency (row calls column where the cell is non-zero), CSV
                      caller,callee list, JSON [{caller, callee}] / {caller: [callees]}, or a Prometheus
                      /api/v1/query answer for traces_service_graph_request_total by (client, server).
                      Columns traces_service_graph_request_total{client="A",server="B"} in FILE.csv are read
                      as edges too
  --edge A=B          A calls B (repeatable): lets the ranking prefer the upstream cause over downstream symptoms
  --json              print [{component, metric, score, onset}] best first

usage: foresight rca incidents --store FILE [--symptom WORDS] [--component C] [--limit N] [--json]
  search the incident knowledge base (past investigations, confirmed causes, resolutions)`;

async function runIncidents(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        store: { type: 'string' },
        symptom: { type: 'string' },
        component: { type: 'string' },
        limit: { type: 'string', default: '20' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`foresight rca incidents: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const limit = Number(args.limit);
  if (!args.store || !Number.isInteger(limit) || limit < 1) {
    process.stderr.write(`foresight rca incidents: --store FILE is required and --limit must be a positive integer\n`);
    return 2;
  }
  if (!existsSync(args.store)) {
    process.stderr.write(`foresight rca incidents: --store ${args.store}: no such file (the companion's store.file)\n`);
    return 2;
  }
  const store = openStore(args.store);
  try {
    const found = new KnowledgeBase(store).search({ limit, ...(args.symptom ? { symptom: args.symptom } : {}), ...(args.component ? { component: args.component } : {}) });
    if (args.json) {
      process.stdout.write(JSON.stringify(found, null, 2) + '\n');
      return 0;
    }
    if (!found.length) {
      process.stdout.write('no incidents match\n');
      return 0;
    }
    for (const i of found) {
      const cause = i.confirmed ? `confirmed: ${i.confirmed.component}${i.confirmed.metric ? '/' + i.confirmed.metric : ''}` : `ranked first: ${i.topComponent ?? '-'}${i.topMetric ? '/' + i.topMetric : ''}`;
      process.stdout.write(`${new Date(i.incidentTime * 1000).toISOString()}  ${i.id}  ${i.title}\n    ${cause}${i.confirmed?.resolution ? `; resolution: ${i.confirmed.resolution}` : ''}\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'incidents') return runIncidents(argv.slice(1));
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        input: { type: 'string' },
        'fault-time': { type: 'string' },
        'component-pattern': { type: 'string' },
        edge: { type: 'string', multiple: true },
        edges: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`foresight rca: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (!args.input || args['fault-time'] === undefined) {
    process.stderr.write(`foresight rca: --input and --fault-time are required\n${USAGE}\n`);
    return 2;
  }
  let pattern: RegExp | undefined;
  if (args['component-pattern'] !== undefined) {
    try {
      pattern = new RegExp(args['component-pattern']);
    } catch (e) {
      process.stderr.write(`foresight rca: --component-pattern is not a valid regular expression: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const edges: DependencyEdge[] = [];
  for (const e of args.edge ?? []) {
    const [caller, callee] = e.split('=');
    if (!caller || !callee) {
      process.stderr.write(`foresight rca: --edge '${e}' must look like CALLER=CALLEE\n`);
      return 2;
    }
    edges.push({ caller, callee });
  }
  try {
    const text = await readFile(args.input, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new CsvInputError(`cannot read --input ${args.input}: ${e.code ?? e.message}`);
    });
    const csv = parseWideCsv(text, args.input, pattern);
    for (const w of csv.warnings) process.stderr.write(`foresight rca: warning: ${args.input}: ${w}\n`);
    edges.push(...csv.edges);
    if (args.edges !== undefined) {
      const file = args.edges;
      const etext = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new CsvInputError(`cannot read --edges ${file}: ${e.code ?? e.message}`);
      });
      edges.push(...parseEdges(etext, file));
    }
    const raw = args['fault-time'];
    const faultTime = csv.isoTime && !/^-?[\d.]+(e[-+]?\d+)?$/i.test(raw) ? (parseTime(raw)?.t ?? NaN) : Number(raw);
    if (!Number.isFinite(faultTime)) {
      process.stderr.write(`foresight rca: --fault-time '${raw}' is not a number${csv.isoTime ? ' or ISO date' : ''}\n`);
      return 2;
    }
    const unit = secondsPerUnit(csv.isoTime, faultTime);
    const result = rankRootCauses({ series: csv.series, incidentTime: faultTime, edges, ...(unit ? { secondsPerUnit: unit } : {}) });
    if (result.status === 'insufficient') {
      process.stderr.write(`foresight rca: insufficient evidence: ${result.reason}\n`);
      for (const s of result.skipped.slice(0, 10)) process.stderr.write(`  skipped ${s.metric}: ${s.reason}\n`);
      if (args.json) process.stdout.write('[]\n');
      return 3;
    }
    const showTime = (t?: number) => (t === undefined ? '' : csv.isoTime ? new Date(t).toISOString() : String(t));
    if (args.json) {
      const rows = result.candidates.map((c) => ({
        component: c.component,
        metric: c.metric,
        score: c.score,
        onset: c.onset === undefined ? null : csv.isoTime ? new Date(c.onset).toISOString() : c.onset,
      }));
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return 0;
    }
    const out: string[] = ['Ranked components (most likely root cause first):', ''];
    out.push(`${'#'.padStart(3)}  ${'component'.padEnd(20)} ${'score'.padStart(6)}  onset`);
    result.components.forEach((c, i) => {
      out.push(`${String(i + 1).padStart(3)}  ${c.component.padEnd(20)} ${c.score.toFixed(3).padStart(6)}  ${showTime(c.onset)}`);
      for (const ev of c.evidence) out.push(`       - ${ev}`);
    });
    out.push('', 'Ranked metrics:', '');
    result.candidates.slice(0, 15).forEach((c, i) => {
      out.push(`${String(i + 1).padStart(3)}  ${c.metric.padEnd(40)} ${c.score.toFixed(3).padStart(6)}  ${showTime(c.onset)}`);
    });
    if (result.skipped.length) out.push('', `${result.skipped.length} series skipped (e.g. ${result.skipped[0]!.metric}: ${result.skipped[0]!.reason})`);
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  } catch (e) {
    if (e instanceof CsvInputError || e instanceof RcaInputError) {
      process.stderr.write(`foresight rca: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/**
 * Seconds per timestamp unit of the CSV, for evidence text: ISO times are parsed to milliseconds; numeric
 * times that look like unix seconds or milliseconds (years 2001–2286) are taken as such; anything else
 * (sample indices, relative times) stays unitless.
 */
function secondsPerUnit(isoTime: boolean, t: number): number | undefined {
  if (isoTime) return 0.001;
  if (t >= 1e9 && t < 1e10) return 1;
  if (t >= 1e12 && t < 1e13) return 0.001;
  return undefined;
}
