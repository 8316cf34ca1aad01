// `npm run demo -- --game-day`: loads the demo game day's alert rules into Prometheus, waits for a few
// minutes of history (RCA baselines), runs examples/chaos/demo-game-day.yml through the companion's
// /api/chaos, prints progress and the Markdown report, and saves the HTML report in the state dir.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface GameDayOptions {
  root: string;
  rulesDir: string;
  stateDir: string;
  prometheusUrl: string;
  companionUrl: string;
  workloadUrl: string;
  token: string;
  say: (line: string) => void;
  /** seconds of scraped history to wait for before the first experiment (default: the demo RCA's 10-minute baseline) */
  warmupSeconds?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runDemoGameDay(o: GameDayOptions): Promise<{ outcome: string; reportFile: string }> {
  const headers = { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' };
  await copyFile(join(o.root, 'examples', 'chaos', 'demo-alerts.yml'), join(o.rulesDir, 'foresight-game-day.yml'));
  const reload = await fetch(`${o.prometheusUrl}/-/reload`, { method: 'POST' });
  if (!reload.ok) throw new Error(`prometheus reload after adding the game-day rules answered HTTP ${reload.status}`);
  o.say('  Game day       alert rules examples/chaos/demo-alerts.yml loaded');

  const warmup = o.warmupSeconds ?? 600;
  o.say(`  Game day       waiting for ${warmup} s of history (root-cause baselines)…`);
  const since = Date.now();
  for (;;) {
    const oldest = await fetch(`${o.prometheusUrl}/api/v1/query?query=${encodeURIComponent(`count_over_time(probe_success{service="payments"}[${warmup + 60}s])`)}`).catch(() => undefined);
    const body = oldest?.ok ? ((await oldest.json()) as { data?: { result?: { value: [number, string] }[] } }) : undefined;
    const scrapes = Number(body?.data?.result?.[0]?.value[1] ?? 0);
    // Scrapes every 15 s by default: enough samples for the warm-up, or the wall clock says so.
    if (scrapes >= warmup / 15 || Date.now() - since > (warmup + 120) * 1000) break;
    await sleep(5000);
  }

  const host = new URL(o.workloadUrl).host;
  const text = (await readFile(join(o.root, 'examples', 'chaos', 'demo-game-day.yml'), 'utf8')).replaceAll('http://127.0.0.1:8788', o.workloadUrl).replaceAll("'127.0.0.1:8788'", `'${host}'`);
  const started = await fetch(`${o.companionUrl}/api/chaos/runs`, { method: 'POST', headers, body: JSON.stringify({ text, file: 'examples/chaos/demo-game-day.yml' }) });
  const s = (await started.json()) as { id?: number; error?: string };
  if (started.status !== 202 || !s.id) throw new Error(`the companion refused the game day: ${s.error ?? started.status}`);
  o.say(`  Game day       run ${s.id} started: ${o.companionUrl}/api/chaos/runs/${s.id}`);
  let seen = 0;
  let run: { status: string; outcome?: string; events: { experiment: string; step: string; ok: boolean; message: string }[] };
  for (;;) {
    run = (await (await fetch(`${o.companionUrl}/api/chaos/runs/${s.id}`, { headers })).json()) as typeof run;
    for (const e of run.events.slice(seen)) o.say(`    [${e.experiment}] ${e.step}${e.ok ? '' : ' (!)'}: ${e.message}`);
    seen = run.events.length;
    if (run.status === 'done') break;
    await sleep(2000);
  }
  const md = await (await fetch(`${o.companionUrl}/api/chaos/runs/${s.id}/report?format=md`, { headers })).text();
  const html = await (await fetch(`${o.companionUrl}/api/chaos/runs/${s.id}/report?format=html`, { headers })).text();
  const reportFile = join(o.stateDir, `game-day-${s.id}.html`);
  await writeFile(reportFile, html);
  o.say('');
  o.say(md);
  o.say(`  Game day       ${run.outcome}; HTML report: ${reportFile}`);
  return { outcome: run.outcome ?? 'error', reportFile };
}
