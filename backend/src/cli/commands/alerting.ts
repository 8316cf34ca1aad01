// `foresight alerting generate|check|apply|test`: the routing policy → alertmanager.yml, checked by amtool.
//   generate --config F [--alertmanager-config AM.yml]     print our fragment (or the merged file)
//   check    --config F [--alertmanager-config AM.yml]     validate policy + amtool check-config on the merge
//   apply    --config F --alertmanager-config AM.yml [--alertmanager-url URL]   write, reload, verify, rollback
//   test     --config F [--alertmanager-config AM.yml] [--expect RECEIVER] label=value…   which receiver gets it
// F is the companion config (its `alerting:` section is used) or a bare alerting policy.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { amtoolCheckConfig, amtoolRoutesTest } from '../../alerting/amtool.js';
import { parseAlertingConfig, type AlertingConfig } from '../../alerting/config.js';
import { mergeAlertmanagerConfig } from '../../alerting/merge.js';
import { generateAlertmanager } from '../../alerting/routes/generate.js';
import { applyAlertmanagerConfig } from '../../alerting/writer.js';

const USAGE = `usage: foresight alerting <generate|check|apply|test> --config FILE [--alertmanager-config AM.yml] [--alertmanager-url URL] [--expect RECEIVER] [label=value ...]`;

async function loadPolicy(file: string): Promise<AlertingConfig> {
  const raw = YAML.parse(await readFile(file, 'utf8')) as Record<string, unknown> | null;
  const section = raw && typeof raw === 'object' && 'alerting' in raw ? raw.alerting : raw;
  return parseAlertingConfig(section, `${file}: alerting`);
}

/** The merged file in a temp dir (for amtool), removed by the returned cleanup. */
async function mergedTemp(cfg: AlertingConfig, amFile: string | undefined): Promise<{ file: string; text: string; cleanup: () => Promise<void> }> {
  const base = amFile ? await readFile(amFile, 'utf8') : '';
  const text = mergeAlertmanagerConfig(base, generateAlertmanager(cfg).fragment, amFile ?? 'alertmanager.yml');
  const dir = await mkdtemp(join(tmpdir(), 'foresight-alerting-'));
  const file = join(dir, 'alertmanager.yml');
  await writeFile(file, text);
  return { file, text, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        'alertmanager-config': { type: 'string' },
        'alertmanager-url': { type: 'string' },
        expect: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`foresight alerting: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const [sub, ...rest] = positionals;
  if (v.help || !sub) {
    process.stdout.write(USAGE + '\n');
    return v.help ? 0 : 2;
  }
  if (!v.config) {
    process.stderr.write(`foresight alerting ${sub}: --config is required\n${USAGE}\n`);
    return 2;
  }
  try {
    const cfg = await loadPolicy(v.config);
    const amFile = v['alertmanager-config'];
    switch (sub) {
      case 'generate': {
        const g = generateAlertmanager(cfg);
        process.stdout.write(amFile ? mergeAlertmanagerConfig(await readFile(amFile, 'utf8'), g.fragment, amFile) : YAML.stringify(g.fragment, { lineWidth: 0, aliasDuplicateObjects: false }));
        return 0;
      }
      case 'check': {
        const m = await mergedTemp(cfg, amFile);
        try {
          const r = await amtoolCheckConfig(m.file);
          process.stdout.write(r.output);
          return r.ok ? 0 : 1;
        } finally {
          await m.cleanup();
        }
      }
      case 'apply': {
        if (!amFile) throw new Error('apply needs --alertmanager-config (the file Alertmanager loads)');
        const r = await applyAlertmanagerConfig({
          configFile: amFile,
          generated: generateAlertmanager(cfg),
          alertmanagerUrl: v['alertmanager-url'] ?? cfg.alertmanager.url,
          mimir: cfg.alertmanager.mimir,
        });
        process.stdout.write(`${amFile}: ${r.changed ? 'updated' : 'unchanged'}${r.reloaded ? ', reloaded and verified live' : ''}${r.pushedToMimir ? ', pushed to Mimir' : ''}\n`);
        return 0;
      }
      case 'test': {
        const labels: Record<string, string> = {};
        for (const kv of rest) {
          const i = kv.indexOf('=');
          if (i <= 0) throw new Error(`label '${kv}': expected label=value`);
          labels[kv.slice(0, i)] = kv.slice(i + 1);
        }
        if (!Object.keys(labels).length) throw new Error('test needs at least one label=value');
        const m = await mergedTemp(cfg, amFile);
        try {
          const got = await amtoolRoutesTest(m.file, labels);
          process.stdout.write(got.join(',') + '\n');
          if (v.expect !== undefined && got.join(',') !== v.expect) {
            process.stderr.write(`expected receiver '${v.expect}', got '${got.join(',')}'\n`);
            return 1;
          }
          return 0;
        } finally {
          await m.cleanup();
        }
      }
      default:
        process.stderr.write(`foresight alerting: unknown subcommand '${sub}'\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    process.stderr.write(`foresight alerting ${sub}: ${(e as Error).message}\n`);
    return 1;
  }
}
