// The rule-file YAML emitter (slo/rule-yaml.ts) must write exactly the strings it is given: checked by reading its
// output back with the `yaml` library (YAML 1.2 and 1.1 schemas) for every example SLO and a fuzz of awkward strings,
// and with the real promtool, which must see each awkward label and annotation value unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sloGroups, type AlertingRule, type RuleGroup } from '../../src/slo/generate.js';
import { loadSpecsOrThrow } from '../../src/slo/load.js';
import { emitRuleGroups } from '../../src/slo/rule-yaml.js';
import { promtoolCheckRules, promtoolTestRules } from '../../src/rules/promtool.js';

const EX = join(import.meta.dirname, '../../../examples/slo');

/** Reads the emitted text back under both schemas; both must give the input (undefined fields dropped). */
function assertRoundTrip(groups: RuleGroup[], what: string): string {
  const text = emitRuleGroups(groups);
  const want = JSON.parse(JSON.stringify({ groups })) as unknown;
  assert.deepEqual(parse(text), want, `${what}: YAML 1.2 reading differs\n${text}`);
  assert.deepEqual(parse(text, { version: '1.1' }), want, `${what}: YAML 1.1 reading differs\n${text}`);
  return text;
}

test('every example SLO (all formats) reads back as the rule groups it was generated from', () => {
  let n = 0;
  for (const input of readdirSync(EX).filter((f) => f.endsWith('.yml'))) {
    const { slos } = loadSpecsOrThrow([{ file: input, text: readFileSync(join(EX, input), 'utf8') }]);
    for (const slo of slos) {
      for (const o of [{}, { interval: '30s', version: 'v"1: #x' }]) assertRoundTrip(sloGroups(slo, o), `${input} ${slo.id}`);
      n++;
    }
  }
  assert.ok(n >= 15, `only ${n} example SLOs found`);
});

// Pieces that each break a naive emitter somewhere: indicators, comment and mapping markers, quotes, escapes, line
// breaks (also YAML 1.1's U+0085/U+2028/U+2029), number/boolean/null/timestamp look-alikes in both schemas, PromQL.
const PIECES = [
  '', ' ', '  ', '\t', '\n', '\n\n', '\r', '\r\n', ':', ': ', ' #', '#', '{', '}', '[', ']', ',', '"', "'", '\\', '-', '- ', '?', '? ',
  '|', '>', '&', '*', '!', '%', '@', '`', '0.999', '99.9', '1e3', '0x1F', '0o7', '012', '1_000', '1:20', '+1', '.5', '.inf', '-.Inf',
  '.NaN', 'true', 'False', 'yes', 'NO', 'on', 'Off', 'y', 'N', 'null', 'Null', '~', '<<', '=', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '---', '...', 'sum(rate(x{a="b",c=~"5.."}[5m]))', 'a:b', 'x: y', '\u0085', '\u2028', '\u2029', '\ufeff', '\u00a0', '\x7f', '\x00',
  '\x1b', '\x07', 'é', '😀', 'a', 'foo bar', '5m', '30d', 'slo:sli_error:ratio_rate5m', '{{$labels.x}}',
];

/** Deterministic PRNG (mulberry32): a failure names the seed and reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function awkward(seed: number, count: number): string[] {
  const r = rng(seed);
  const out = [...PIECES];
  for (let i = 0; i < count; i++) {
    const k = 1 + Math.floor(r() * 4);
    out.push(Array.from({ length: k }, () => PIECES[Math.floor(r() * PIECES.length)]!).join(''));
  }
  return out;
}

test('a fuzz of awkward strings in every position reads back unchanged (YAML 1.2 and 1.1)', () => {
  const strings = awkward(11, 3000);
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i]!;
    const t = strings[(i * 7 + 3) % strings.length]!;
    const groups: RuleGroup[] = [
      {
        name: s,
        interval: t,
        rules: [
          { record: s, expr: t, labels: { [s]: t, [`k${i}`]: s } },
          { alert: t, expr: s, for: s, labels: {}, annotations: { [t]: s, x: t } },
        ],
      },
      { name: `g${i}`, rules: [] },
    ];
    assertRoundTrip(groups, `string #${i} ${JSON.stringify(s)} / ${JSON.stringify(t)}`);
  }
  assertRoundTrip([], 'no groups');
  // Keys past YAML's 1,024-character limit on implicit keys take the explicit form.
  assertRoundTrip([{ name: 'g', rules: [{ alert: 'A', expr: 'vector(1)', annotations: { ['k: "'.repeat(400)]: 'v\nw' } }] }], 'long key');
});

test('promtool reads every awkward label and annotation value exactly as given, and accepts multi-line PromQL', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-rule-yaml-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Alert labels and annotations are Go templates (so no `{{`); an empty label is dropped by Prometheus; Go strings
  // cannot hold lone surrogates.
  const values = awkward(5, 150).filter((s) => s !== '' && !s.includes('{{') && !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));
  const rules: AlertingRule[] = values.map((s, i) => ({ alert: `A${i}`, expr: 'vector(1)', labels: { v: s, on: 'y', yes: '0.999' }, annotations: { a: s } }));
  rules.push({ alert: 'Multi', expr: 'vector(1)\n# a comment: with "quotes" #\n  and on()\n\tvector(1)\n', labels: {}, annotations: {} });
  writeFileSync(join(dir, 'rules.yml'), emitRuleGroups([{ name: 'awkward: "group" #1', interval: '1m', rules }]));
  const check = await promtoolCheckRules([join(dir, 'rules.yml')]);
  assert.ok(check.ok, check.output);
  // The suite is JSON-style YAML with every non-ASCII character escaped (YAML that every reader agrees on, and that Go's
  // yaml.v3 accepts: it refuses raw DEL and C1 controls), so only the rule file's reading is under test.
  const alertTests = rules.map((r) => ({
    eval_time: '1m',
    alertname: r.alert,
    exp_alerts: [{ exp_labels: r.labels, exp_annotations: r.annotations }],
  }));
  const suite = JSON.stringify({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: [], alert_rule_test: alertTests }] });
  const esc = (c: string) => (c.length > 1 ? `\\U${c.codePointAt(0)!.toString(16).padStart(8, '0')}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(join(dir, 'test.json'), suite.replace(/[^\x20-\x7e]/gu, esc));
  const r = await promtoolTestRules([join(dir, 'test.json')]);
  assert.ok(r.ok, r.output.slice(0, 4000));
  assert.ok(values.length > 100, `${values.length} values`);
});
