// `foresight slo validate|generate|test|apply|budget --input FILE…`: SLO specs (ours, Sloth, OpenSLO) in,
// promtool-checked Prometheus rules out, applied to a rules dir (with reload + rollback) or a Mimir/Cortex ruler.
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { PromClient } from '../../prom/client.js';
import { computeBudget } from '../../slo/budget.js';
import { formatIssue, type Issue } from '../../slo/model.js';
import { applyGenerated, checkGenerated, generateFromSources, SloValidationError, type Generated } from '../../slo/service.js';
import { expandInputs, loadSpecs } from '../../slo/load.js';
import { generateToDir } from '../../slo/stream.js';

const USAGE = `usage: foresight slo <validate|generate|test|apply|budget> --input FILE|DIR [--input FILE|DIR]... [options]
  validate                 parse + validate specs (foresight/v1, Sloth prometheus/v1 and sloth.slok.dev/v1, OpenSLO v1/v1alpha)
  generate --out DIR       write one rule file per SLO (promtool-checked); --tests also writes promtool test suites
  test                     generate, then promtool check rules + promtool test rules on the generated suites
  apply --rules-dir DIR --prometheus URL
                           atomic write, POST /-/reload, verify via /api/v1/rules, roll back on failure
  apply --ruler-url URL --namespace NS [--tenant T]
                           push the groups to a Mimir/Cortex ruler instead of files
  budget --prometheus URL  error budget per SLO from Prometheus (--json for the full report)
options: --default-window 30d (Sloth specs have none)  --interval 30s (rule group interval)  --json
         --max-input-mb 32 (refuse larger inputs)  --chunk 500 (SLOs per promtool check while generating to --out)`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let a;
  try {
    a = parseArgs({
      args: rest,
      options: {
        input: { type: 'string', short: 'i', multiple: true },
        out: { type: 'string', short: 'o' },
        'rules-dir': { type: 'string' },
        prometheus: { type: 'string' },
        'ruler-url': { type: 'string' },
        namespace: { type: 'string', default: 'foresight-slo' },
        tenant: { type: 'string' },
        'default-window': { type: 'string' },
        interval: { type: 'string' },
        tests: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'max-input-mb': { type: 'string', default: '32' },
        chunk: { type: 'string', default: '500' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    process.stderr.write(`foresight slo: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const o = a.values;
  if (o.help || !sub || sub === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return sub ? 0 : 2;
  }
  const inputs = [...(o.input ?? []), ...a.positionals];
  if (!['validate', 'generate', 'test', 'apply', 'budget'].includes(sub)) {
    process.stderr.write(`foresight slo: unknown subcommand '${sub}'\n${USAGE}\n`);
    return 2;
  }
  if (inputs.length === 0) {
    process.stderr.write(`foresight slo ${sub}: give at least one --input FILE\n`);
    return 2;
  }
  // A directory stands for every *.yml/*.yaml below it.
  const files = await expandInputs(inputs);
  // Size limit before anything is read: a spec far bigger than intended should be a clear error, not minutes of work.
  const maxMb = Number(o['max-input-mb']);
  const chunk = Number(o.chunk);
  if (!(maxMb > 0) || !(chunk >= 1)) {
    process.stderr.write(`foresight slo ${sub}: --max-input-mb and --chunk must be positive numbers\n`);
    return 2;
  }
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  const total = sizes.reduce((x, y) => x + y, 0);
  if (total > maxMb * 1024 * 1024) {
    const big = files.map((f, i) => ({ f, s: sizes[i]! })).sort((x, y) => y.s - x.s)[0]!;
    process.stderr.write(
      `foresight slo ${sub}: inputs are ${(total / 1048576).toFixed(1)} MB in all (largest: ${big.f}, ${(big.s / 1048576).toFixed(1)} MB), over the limit of ${maxMb} MB; raise --max-input-mb if this is intended\n`,
    );
    return 1;
  }
  const sources = await Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
  const opts = { defaultWindow: o['default-window'], interval: o.interval };
  const printIssues = (issues: Issue[]) => issues.forEach((i) => process.stderr.write(`${formatIssue(i)}\n`));

  if (sub === 'validate') {
    const r = loadSpecs(sources, opts);
    printIssues(r.issues);
    const errors = r.issues.filter((i) => i.level === 'error').length;
    if (o.json) process.stdout.write(`${JSON.stringify({ ok: errors === 0, slos: r.slos.map((s) => s.id), issues: r.issues }, null, 2)}\n`);
    else process.stdout.write(`${r.slos.length} SLO(s), ${errors} error(s), ${r.issues.length - errors} warning(s)\n`);
    return errors === 0 ? 0 : 1;
  }

  // Big inputs to a directory: streamed in promtool-checked chunks, progress on stderr, nothing written on failure.
  if (sub === 'generate' && o.out) {
    const r = loadSpecs(sources, opts);
    printIssues(r.issues);
    if (r.issues.some((i) => i.level === 'error')) return 1;
    const progress = r.slos.length > chunk ? (done: number, all: number) => process.stderr.write(`foresight slo generate: ${done}/${all} SLOs generated and checked\n`) : undefined;
    const out = await generateToDir(r.slos, o.out, { ...opts, chunk, tests: o.tests, progress });
    if (!out.ok) {
      process.stderr.write(`${out.output}\nforesight slo generate: promtool rejected the generated rules; nothing was written to ${o.out}\n`);
      return 1;
    }
    process.stdout.write(`wrote ${out.files} file(s) to ${o.out} (${r.slos.length} SLOs, promtool check ok)\n`);
    return 0;
  }

  let g: Generated;
  try {
    g = generateFromSources(sources, { ...opts, tests: sub === 'test' });
  } catch (e) {
    if (e instanceof SloValidationError) {
      printIssues(e.issues);
      return 1;
    }
    throw e;
  }
  printIssues(g.issues);

  if (sub === 'generate' || sub === 'test') {
    const checked = await checkGenerated(sub === 'test' ? g : { ...g, tests: {} });
    if (!checked.ok) {
      process.stderr.write(`${checked.check}\n${checked.test}\n`);
      process.stderr.write(`foresight slo ${sub}: promtool rejected the generated rules\n`);
      return 1;
    }
    if (sub === 'test') {
      process.stdout.write(checked.test);
      process.stdout.write(`${g.slos.length} SLO suite(s) passed\n`);
      return 0;
    }
    // (`generate --out` streamed above.)
    process.stdout.write(Object.values(g.files).join('---\n'));
    return 0;
  }

  if (sub === 'apply') {
    if (o['ruler-url']) {
      const r = await applyGenerated(g, { kind: 'ruler', ruler: { url: o['ruler-url'], namespace: o.namespace!, tenant: o.tenant } });
      process.stdout.write(`pushed ${r.applied.length} group(s) to ${o['ruler-url']} namespace ${o.namespace}\n`);
      return 0;
    }
    if (!o['rules-dir'] || !o.prometheus) {
      process.stderr.write('foresight slo apply: give --rules-dir DIR and --prometheus URL (or --ruler-url)\n');
      return 2;
    }
    const r = await applyGenerated(g, { kind: 'files', rulesDir: o['rules-dir'], prom: new PromClient({ url: o.prometheus }) });
    process.stdout.write(`applied ${r.applied.join(', ')}; Prometheus reloaded and the groups are loaded\n`);
    return 0;
  }

  // budget
  if (!o.prometheus) {
    process.stderr.write('foresight slo budget: give --prometheus URL\n');
    return 2;
  }
  const prom = new PromClient({ url: o.prometheus });
  const reports = await Promise.all(g.slos.map((s) => computeBudget(prom, s)));
  if (o.json) {
    process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    return 0;
  }
  const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(3)}%`);
  process.stdout.write(`${'slo'.padEnd(40)} ${'objective'.padStart(9)} ${'sli'.padStart(9)} ${'budget left'.padStart(11)} ${'burn 1h'.padStart(8)}\n`);
  for (const r of reports) {
    process.stdout.write(
      `${r.id.padEnd(40)} ${pct(r.objective).padStart(9)} ${pct(r.sli).padStart(9)} ${pct(r.budgetRemaining).padStart(11)} ${(r.burnRates['1h']?.toFixed(2) ?? '-').padStart(8)}\n`,
    );
  }
  return 0;
}
