// The offline RCA input takes real exports as they come (issue 14, item 9) and reads dependency graphs
// in the shapes users have them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWideCsv, CsvInputError } from '../../src/rca/csv-input.js';
import { parseEdges } from '../../src/rca/edges-input.js';

test('9a. unsorted rows are sorted, rows sharing a timestamp are averaged, both with a warning', () => {
  const csv = parseWideCsv('time,api_latency,db_latency\n30,3,30\n10,1,10\n20,2,20\n20,4,\n', 'x.csv');
  assert.deepEqual(Array.from(csv.series[0]!.timestamps), [10, 20, 30]);
  assert.deepEqual(Array.from(csv.series[0]!.values), [1, 3, 3]);
  // An empty cell does not count in the mean.
  assert.deepEqual(Array.from(csv.series[1]!.values), [10, 20, 30]);
  assert.equal(csv.warnings.length, 2);
  assert.match(csv.warnings.join('\n'), /not in time order: sorted/);
  assert.match(csv.warnings.join('\n'), /1 timestamp\(s\) appear on more than one row \(first on line 5\): their values were averaged/);
});

test('9b. a text column (pod name) is skipped with a warning; a stray word in a numeric column is refused by line', () => {
  const csv = parseWideCsv('time,pod,api_latency\n1,api-7f9c,0.1\n2,api-7f9c,0.2\n', 'x.csv');
  assert.deepEqual(csv.series.map((s) => s.metric), ['api_latency']);
  assert.match(csv.warnings[0]!, /column 'pod' is not numeric \(e\.g\. 'api-7f9c' on line 2\): skipped/);
  assert.throws(() => parseWideCsv('time,api_latency\n1,0.1\n\n# comment\n2,oops\n', 'x.csv'), (e: Error) => e instanceof CsvInputError && /x\.csv: line 5, column 'api_latency': 'oops' is not a number/.test(e.message));
});

test('9c. inf, -inf and NaN cells are accepted', () => {
  const csv = parseWideCsv('time,api_p99\n1,inf\n2,-Inf\n3,NaN\n4,+Infinity\n5,0.2\n', 'x.csv');
  assert.deepEqual(Array.from(csv.series[0]!.values), [Infinity, -Infinity, NaN, Infinity, 0.2]);
});

test('9d. ISO times without a zone are read as UTC, whatever the machine zone', () => {
  // Run in a zone that is not UTC (Node re-reads TZ when it changes), so a local-time reading would show.
  const zone = process.env.TZ;
  process.env.TZ = 'America/New_York';
  let csv;
  try {
    assert.notEqual(new Date(2026, 0, 5).getTimezoneOffset(), 0);
    csv = parseWideCsv('time,api_latency\n2026-01-05T10:00:00,1\n2026-01-05 10:00:30,2\n2026-01-05T11:01:00+01:00,3\n', 'x.csv');
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
  assert.equal(csv.isoTime, true);
  const t0 = Date.UTC(2026, 0, 5, 10, 0, 0);
  assert.deepEqual(Array.from(csv.series[0]!.timestamps), [t0, t0 + 30_000, t0 + 60_000]);
});

test('9e. anything refused names its line', () => {
  const bad: [string, RegExp][] = [
    ['time,a_x\n1,2\n2,3,4\n', /line 3 has 3 cells, the header has 2/],
    ['time,a_x\n1,2\nyesterday,3\n', /line 3: timestamp 'yesterday' is neither a number nor an ISO date/],
    ['time,a_x\n1,2\n2026-01-05T10:00:00Z,3\n', /line 3: .* mixes ISO dates and plain numbers/],
  ];
  for (const [text, re] of bad) assert.throws(() => parseWideCsv(text, 'f.csv'), (e: Error) => e instanceof CsvInputError && re.test(e.message), text);
});

test('edges: CSV adjacency, CSV list, JSON list and map, and a Prometheus service-graph answer', () => {
  const adjacency = ',api,db,cache\napi,0,3,1\ndb,0,0,0\ncache,0,0,0\n';
  assert.deepEqual(parseEdges(adjacency, 'g.csv'), [{ caller: 'api', callee: 'db' }, { caller: 'api', callee: 'cache' }]);
  assert.deepEqual(parseEdges('caller,callee\napi,db\n', 'g.csv'), [{ caller: 'api', callee: 'db' }]);
  assert.deepEqual(parseEdges('[["api","db"],{"caller":"web","callee":"api"}]', 'g.json'), [{ caller: 'api', callee: 'db' }, { caller: 'web', callee: 'api' }]);
  assert.deepEqual(parseEdges('{"web":["api"],"api":["db","db"]}', 'g.json'), [{ caller: 'web', callee: 'api' }, { caller: 'api', callee: 'db' }]);
  const prom = { status: 'success', data: { resultType: 'vector', result: [
    { metric: { client: 'web', server: 'api' }, value: [1, '120'] },
    { metric: { client: 'api', server: 'db' }, value: [1, '0'] },
  ] } };
  assert.deepEqual(parseEdges(JSON.stringify(prom), 'sg.json'), [{ caller: 'web', callee: 'api' }]);
  assert.throws(() => parseEdges(',api,db\napi,0,x\n', 'g.csv'), /g\.csv: line 2, column 'db': 'x' is not a number/);
  assert.throws(() => parseEdges('[{"caller":"a"}]', 'g.json'), /g\.json: \[0\]\.callee must be a non-empty string/);
});

test('service-graph columns in the CSV become edges, not candidate series', () => {
  const head = 'time,api_latency,"traces_service_graph_request_total{client=""web"",server=""api""}","traces_service_graph_request_total{client=""api"",server=""old""}"';
  const csv = parseWideCsv(`${head}\n1,0.1,5,0\n2,0.2,9,0\n`, 'x.csv');
  assert.deepEqual(csv.series.map((s) => s.metric), ['api_latency']);
  assert.deepEqual(csv.edges, [{ caller: 'web', callee: 'api' }]);
});
