// `foresight chaos validate|run|import|report`: game days.
//   validate PLAN [--json]                          check a plan (or a Chaos Toolkit file) offline; exit 1 on errors
//   run PLAN [--companion URL] [--token T] [--format md|html] [--output FILE] [--timeout S]
//                                                   start the run in the companion, follow it, print the report
//   import CTK.json|yml                             print the Chaos Toolkit experiment as a Foresight plan (YAML)
//   report RUN_ID [--companion URL] [--token T] [--format md|html] [--output FILE]
// The companion URL and token default to FORESIGHT_URL (http://127.0.0.1:8787) and FORESIGHT_API_TOKEN.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify } from 'yaml';
import { fromChaosToolkit, isChaosToolkit } from '../../chaos/chaostoolkit.js';
import { loadPlanText } from '../../chaos/validate.js';

const USAGE = `usage: foresight chaos validate PLAN [--json]
       foresight chaos run PLAN [--companion URL] [--token T] [--format md|html] [--output FILE] [--timeout SECONDS]
       foresight chaos import CHAOS_TOOLKIT_FILE
       foresight chaos report RUN_ID [--companion URL] [--token T] [--format md|html] [--output FILE]
  PLAN     a game-day plan (version: foresight/chaos-v1) or a Chaos Toolkit experiment (JSON/YAML)
  run      exits 0 when every experiment passed, 1 otherwise`;

const err = (m: string): number => (process.stderr.write(`foresight chaos: ${m}\n`), 2);

async function api(base: string, token: string | undefined, path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(`${base.replace(/\/+$/, '')}/api/chaos${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new Error(`companion ${base} not reachable: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`);
  }
}

async function emit(text: string, output: string | undefined): Promise<void> {
  if (output) await writeFile(output, text);
  else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        companion: { type: 'string' },
        token: { type: 'string' },
        format: { type: 'string', default: 'md' },
        output: { type: 'string' },
        timeout: { type: 'string', default: '3600' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return err(`${(e as Error).message}\n${USAGE}`);
  }
  const { values: v, positionals } = parsed;
  const [sub, arg] = positionals;
  if (v.help || !sub) {
    process.stdout.write(`${USAGE}\n`);
    return v.help ? 0 : 2;
  }
  if (v.format !== 'md' && v.format !== 'html') return err(`--format: must be md or html, got '${v.format}'`);
  const base = v.companion ?? process.env.FORESIGHT_URL ?? 'http://127.0.0.1:8787';
  const token = v.token ?? process.env.FORESIGHT_API_TOKEN;
  const read = async (f: string): Promise<string> => {
    try {
      return await readFile(f, 'utf8');
    } catch (e) {
      throw new Error(`${f}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };

  switch (sub) {
    case 'validate': {
      if (!arg) return err(`validate needs a PLAN file\n${USAGE}`);
      const r = loadPlanText(await read(arg), arg);
      if (v.json) process.stdout.write(`${JSON.stringify({ valid: !!r.plan, format: r.format, errors: r.errors, warnings: r.warnings }, null, 2)}\n`);
      else {
        for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
        for (const e of r.errors) process.stderr.write(`error: ${e}\n`);
        if (r.plan) process.stdout.write(`${arg}: valid (${r.format}): ${r.plan.experiments.map((e) => `${e.name} → ${e.target}`).join(', ')}\n`);
      }
      return r.plan ? 0 : 1;
    }
    case 'import': {
      if (!arg) return err(`import needs a Chaos Toolkit file\n${USAGE}`);
      const raw = parseYaml(await read(arg)) as unknown;
      if (!isChaosToolkit(raw)) return err(`${arg}: not a Chaos Toolkit experiment (no steady-state-hypothesis or method)`);
      const m = fromChaosToolkit(raw);
      for (const w of m.warnings) process.stderr.write(`warning: ${arg}: ${w}\n`);
      process.stdout.write(stringify(m.plan));
      return 0;
    }
    case 'run': {
      if (!arg) return err(`run needs a PLAN file\n${USAGE}`);
      const text = await read(arg);
      const local = loadPlanText(text, arg);
      for (const w of local.warnings) process.stderr.write(`warning: ${w}\n`);
      if (!local.plan) {
        for (const e of local.errors) process.stderr.write(`error: ${e}\n`);
        return 1;
      }
      const started = await api(base, token, '/runs', { method: 'POST', body: JSON.stringify({ text, file: arg }) });
      const body = (await started.json()) as { id?: number; error?: string };
      if (started.status !== 202 || !body.id) return (process.stderr.write(`foresight chaos: companion refused the run (HTTP ${started.status}): ${body.error ?? ''}\n`), 1);
      process.stderr.write(`run ${body.id} started in ${base}\n`);
      const deadline = Date.now() + Number(v.timeout) * 1000;
      let seen = 0;
      for (;;) {
        const r = (await (await api(base, token, `/runs/${body.id}`)).json()) as { status: string; outcome?: string; events: { experiment: string; step: string; ok: boolean; message: string }[] };
        for (const e of r.events.slice(seen)) process.stderr.write(`  [${e.experiment}] ${e.step}${e.ok ? '' : ' (!)'}: ${e.message}\n`);
        seen = r.events.length;
        if (r.status === 'done') {
          const rep = await api(base, token, `/runs/${body.id}/report?format=${v.format}`);
          await emit(await rep.text(), v.output);
          return r.outcome === 'passed' ? 0 : 1;
        }
        if (Date.now() > deadline) return (process.stderr.write(`foresight chaos: run ${body.id} still ${r.status} after ${v.timeout} s; it goes on in the companion\n`), 1);
        await new Promise((res) => setTimeout(res, 1000));
      }
    }
    case 'report': {
      if (!arg || !/^\d+$/.test(arg)) return err(`report needs a RUN_ID\n${USAGE}`);
      const rep = await api(base, token, `/runs/${arg}/report?format=${v.format}`);
      if (!rep.ok) return (process.stderr.write(`foresight chaos: ${((await rep.json()) as { error?: string }).error ?? `HTTP ${rep.status}`}\n`), 1);
      await emit(await rep.text(), v.output);
      return 0;
    }
    default:
      return err(`unknown subcommand '${sub}'\n${USAGE}`);
  }
}
