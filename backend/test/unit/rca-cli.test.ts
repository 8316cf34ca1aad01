import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { openStore } from '../../src/store/db.js';
import { KnowledgeBase } from '../../src/rca/knowledge-base.js';

const dir = mkdtempSync(join(tmpdir(), 'rca-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ENTRY = new URL('../../src/cli/commands/rca.ts', import.meta.url).href;

/** Runs the command as a child process (the test runner owns this process's stdout). */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const code = `const m = await import(${JSON.stringify(ENTRY)}); process.exitCode = await m.run(JSON.parse(process.env.RCA_ARGV));`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', code],
      { env: { ...process.env, RCA_ARGV: JSON.stringify(argv) }, timeout: 30_000 },
      (error, out, err) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: typeof error?.code === 'number' ? error.code : 0, out, err });
      },
    );
  });
}

/** db's latency turns abnormal at t=600; api (which calls db) follows at t=620 with a bigger relative jump. */
function writeCsv(name: string): string {
  const rows = ['time,db_latency_seconds,api_latency_seconds,api_requests,cache_hit_ratio'];
  for (let t = 0; t <= 900; t += 10) {
    const w = Math.sin(t / 37) * 0.5 + Math.cos(t / 13) * 0.5; // deterministic wiggle
    const db = 0.05 + 0.004 * w + (t >= 600 ? 0.3 : 0);
    const api = 0.02 + 0.0005 * w + (t >= 620 ? 0.5 : 0);
    rows.push(`${t},${db},${api},${100 + 3 * w},${0.9 + 0.01 * w}`);
  }
  const f = join(dir, name);
  writeFileSync(f, rows.join('\n'));
  return f;
}

test('--json prints {component, metric, score, onset} best first, cause first', async () => {
  const f = writeCsv('a.csv');
  // Without a graph, api's 7× larger jump (in noise units) outweighs db's 20 s head start; the graph
  // (api calls db, here from a JSON edges file) explains api's latency by db's.
  const edges = join(dir, 'edges.json');
  writeFileSync(edges, JSON.stringify([{ caller: 'api', callee: 'db' }]));
  const r = await cli(['--input', f, '--fault-time', '630', '--edges', edges, '--json']);
  assert.equal(r.code, 0, r.err);
  const rows = JSON.parse(r.out) as { component: string; metric: string; score: number; onset: number }[];
  assert.deepEqual(Object.keys(rows[0]!).sort(), ['component', 'metric', 'onset', 'score']);
  assert.equal(rows[0]!.component, 'db');
  assert.equal(rows[0]!.metric, 'db_latency_seconds');
  assert.equal(rows[0]!.onset, 600);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1]!.score >= rows[i]!.score);
  assert.ok(!rows.some((x) => x.component === 'cache'), 'a quiet series is not listed');
});

test('a component pattern with a capture group and the human-readable table', async () => {
  const f = writeCsv('b.csv');
  const r = await cli(['--input', f, '--fault-time', '630', '--component-pattern', '^[a-z]+_([a-z]+)', '--edge', 'api=db']);
  assert.equal(r.code, 0, r.err);
  // components are now the second word: latency / requests / hit
  assert.match(r.out, /Ranked components/);
  assert.match(r.out, /^\s+1\s+latency\s/m);
});

test('bad input gets a clear message and a non-zero exit', async () => {
  const f = writeCsv('c.csv');
  let r = await cli(['--input', f, '--fault-time', '5000']);
  assert.equal(r.code, 2);
  assert.match(r.err, /incident time 5000 is outside the data, which runs from 0 to 900/);
  r = await cli(['--input', join(dir, 'missing.csv'), '--fault-time', '1']);
  assert.match(r.err, /cannot read --input .*missing\.csv: ENOENT/);
  r = await cli(['--input', f, '--fault-time', '40']);
  assert.equal(r.code, 3);
  assert.match(r.err, /insufficient evidence: .*baseline points/);
  r = await cli(['--input', f]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--fault-time are required/);
  r = await cli(['--input', f, '--fault-time', '630', '--component-pattern', '^zzz_(x)']);
  assert.match(r.err, /no column name matches the component pattern/);
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'time,a_x\n1,2\n2,oops\n');
  r = await cli(['--input', bad, '--fault-time', '1']);
  assert.match(r.err, /line 3, column 'a_x': 'oops' is not a number/);
});

test('incidents: the knowledge base is searchable by symptom from the CLI', async () => {
  const file = join(dir, 'kb.db');
  const store = openStore(file);
  const kb = new KnowledgeBase(store);
  const a = kb.save({ incidentTime: 1_767_225_600, title: 'payments down', symptoms: ['up', 'payments:up'], topComponent: 'payments', topMetric: 'up', result: {} });
  kb.save({ incidentTime: 1_767_229_200, title: 'slow catalogue', symptoms: ['latency_p95_seconds'], topComponent: 'catalogue', result: {} });
  kb.confirm(a, { component: 'payments', metric: 'up', resolution: 'restarted the payments pod' });
  store.close();
  let r = await cli(['incidents', '--store', file, '--symptom', 'payments:up', '--json']);
  assert.equal(r.code, 0, r.err);
  const rows = JSON.parse(r.out) as { id: string; confirmed: { resolution: string } }[];
  assert.deepEqual(rows.map((x) => x.id), [a]);
  r = await cli(['incidents', '--store', file, '--symptom', 'restarted']);
  assert.match(r.out, /payments down\n\s+confirmed: payments\/up; resolution: restarted the payments pod/);
  r = await cli(['incidents', '--store', join(dir, 'none.db')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /no such file/);
});

test('evidence reads in units: ISO times give durations, `_seconds` values print as ms/s', async () => {
  const rows = ['time,db_latency_seconds,api_latency_seconds'];
  const t0 = Date.UTC(2026, 0, 5, 10, 0, 0);
  for (let t = 0; t <= 900; t += 10) {
    const w = Math.sin(t / 37) * 0.5 + Math.cos(t / 13) * 0.5;
    rows.push(`${new Date(t0 + t * 1000).toISOString()},${0.05 + 0.004 * w + (t >= 600 ? 0.3 : 0)},${0.02 + 0.0005 * w}`);
  }
  const f = join(dir, 'iso.csv');
  writeFileSync(f, rows.join('\n'));
  const r = await cli(['--input', f, '--fault-time', new Date(t0 + 630_000).toISOString()]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /db_latency_seconds rose from 50 ms to 35\d ms .*started 30 s before the incident/);
});
