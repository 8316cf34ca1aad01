// The resilience report of one game-day run (pure): hypothesis vs reality per experiment, a verdict per
// expectation, the scores, and the timeline of steps, as Markdown or as a self-contained HTML page.
import type { RunEvent } from './runner.js';
import type { ExpectationVerdict } from './score.js';
import type { RunRecord } from './store.js';

const MARK: Record<ExpectationVerdict['verdict'], string> = { met: '✅ met', missed: '❌ missed', not_checked: '⚪ not checked' };
const OUTCOME: Record<string, string> = { passed: '✅ passed', failed: '❌ failed', aborted: '🛑 aborted', refused: '⛔ refused', error: '⚠️ error' };

const s = (x: number | undefined): string => (x === undefined ? '—' : `${x} s`);
const pct = (x: number): string => `${Number((x * 100).toPrecision(3))}%`;

function rows(run: RunRecord): string[][] {
  return run.experiments.map((r) => {
    const sc = r.judgement.scores;
    const budget = Object.entries(sc.budgetSpent).map(([id, v]) => `${id} ${pct(v)}`).join(', ');
    return [
      r.experiment,
      r.target,
      OUTCOME[r.judgement.outcome] ?? r.judgement.outcome,
      s(sc.anomalyDetectionSeconds),
      s(sc.alertDetectionSeconds),
      sc.routingCorrect === undefined ? '—' : sc.routingCorrect ? 'yes' : 'no',
      sc.rcaRank === undefined ? '—' : sc.rcaRank ? `#${sc.rcaRank}` : 'not ranked',
      s(sc.timeToRecoverSeconds),
      budget || '—',
    ];
  });
}
const HEAD = ['experiment', 'target', 'outcome', 'first anomaly', 'first alert', 'routing correct', 'RCA rank', 'time to recover', 'budget spent'];

function relTime(e: RunEvent, t0: number | undefined, start: number): string {
  const base = t0 ?? start;
  const d = Math.round((e.at - base) / 100) / 10;
  return `${d >= 0 ? '+' : ''}${d} s`;
}

const mdCell = (x: string): string => x.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const mdTable = (head: string[], body: string[][]): string =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');

export function renderMarkdown(run: RunRecord, events: RunEvent[]): string {
  const out: string[] = [];
  out.push(`# Game day: ${run.plan} (run ${run.id})`, '');
  out.push(`**Outcome: ${OUTCOME[run.outcome ?? ''] ?? run.status}** · trigger: ${run.trigger} · started ${run.startedAt}${run.endedAt ? ` · ended ${run.endedAt}` : ''}`, '');
  if (run.spec.description) out.push(run.spec.description, '');
  for (const w of run.warnings) out.push(`> warning: ${w}`);
  if (run.warnings.length) out.push('');
  out.push('## Summary', '', mdTable(HEAD, rows(run)), '');
  const start = Date.parse(run.startedAt);
  for (const r of run.experiments) {
    const spec = run.spec.experiments.find((e) => e.name === r.experiment);
    out.push(`## ${r.experiment} — ${OUTCOME[r.judgement.outcome] ?? r.judgement.outcome}`, '');
    if (spec?.hypothesis) out.push(`**Hypothesis:** ${spec.hypothesis}`, '');
    out.push(`**Reality:** ${r.judgement.summary}`, '');
    if (r.judgement.verdicts.length) out.push(mdTable(['expectation', 'expected', 'observed', 'verdict'], r.judgement.verdicts.map((v) => [v.expectation, v.expected, v.observed, MARK[v.verdict]])), '');
    const evs = events.filter((e) => e.experiment === r.experiment);
    if (evs.length) {
      out.push('Timeline (from injection):', '');
      for (const e of evs) out.push(`- \`${relTime(e, r.observations.injectedAt, start)}\` ${e.ok ? '' : '**'}${e.step}${e.ok ? '' : '**'}: ${e.message}`);
      out.push('');
    }
  }
  return out.join('\n');
}

const esc = (x: string): string => x.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Emoji need a font headless browsers and mail clients may lack: the HTML says it in words and colour. */
const plain = (x: string): string => x.replace(/^[^\p{L}\p{N}]+\s/u, '');
const cls = (x: string): string => (/^(met|passed|yes|#\d+)$/.test(plain(x)) ? 'ok' : /^(missed|failed|aborted|error|refused|no|not ranked)$/.test(plain(x)) ? 'bad' : '');
/** `judged`: the columns that hold a verdict, coloured by it. */
const htmlTable = (head: string[], body: string[][], judged: number[]): string =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body
    .map((r) => `<tr>${r.map((c, i) => `<td class="${judged.includes(i) ? cls(c) : ''}">${esc(plain(c))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

export function renderHtml(run: RunRecord, events: RunEvent[]): string {
  const start = Date.parse(run.startedAt);
  const parts: string[] = [];
  parts.push(`<h1>Game day: ${esc(run.plan)} <small>run ${run.id}</small></h1>`);
  parts.push(`<p class="meta"><span class="badge ${cls(run.outcome ?? '')}">${esc(run.outcome ?? run.status)}</span> trigger: ${esc(run.trigger)} · started ${esc(run.startedAt)}${run.endedAt ? ` · ended ${esc(run.endedAt)}` : ''}</p>`);
  if (run.spec.description) parts.push(`<p>${esc(run.spec.description)}</p>`);
  for (const w of run.warnings) parts.push(`<p class="warn">warning: ${esc(w)}</p>`);
  parts.push('<h2>Summary</h2>', htmlTable(HEAD, rows(run), [2, 5, 6]));
  for (const r of run.experiments) {
    const spec = run.spec.experiments.find((e) => e.name === r.experiment);
    parts.push(`<section><h2>${esc(r.experiment)} <span class="badge ${cls(r.judgement.outcome)}">${esc(r.judgement.outcome)}</span></h2>`);
    if (spec?.hypothesis) parts.push(`<p><b>Hypothesis:</b> ${esc(spec.hypothesis)}</p>`);
    parts.push(`<p><b>Reality:</b> ${esc(r.judgement.summary)}</p>`);
    if (r.judgement.verdicts.length) parts.push(htmlTable(['expectation', 'expected', 'observed', 'verdict'], r.judgement.verdicts.map((v) => [v.expectation, v.expected, v.observed, MARK[v.verdict]]), [3]));
    const evs = events.filter((e) => e.experiment === r.experiment);
    if (evs.length)
      parts.push(
        `<ol class="timeline">${evs.map((e) => `<li class="${e.ok ? '' : 'bad'}"><code>${esc(relTime(e, r.observations.injectedAt, start))}</code> <b>${esc(e.step)}</b> ${esc(e.message)}</li>`).join('')}</ol>`,
      );
    parts.push('</section>');
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Game day ${esc(run.plan)} — run ${run.id}</title><style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328;background:#fff;max-width:1200px}
h1 small{color:#667;font-weight:normal;font-size:60%}table{border-collapse:collapse;margin:8px 0 16px;width:100%}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.ok{color:#1a7f37;font-weight:600}td.bad{color:#cf222e;font-weight:600}.badge{padding:2px 8px;border-radius:10px;font-size:80%;background:#eee}
.badge.ok{background:#dafbe1;color:#1a7f37}.badge.bad{background:#ffebe9;color:#cf222e}.warn{color:#9a6700}
.timeline{list-style:none;padding-left:0;border-left:3px solid #d0d7de}.timeline li{padding:2px 10px}.timeline li.bad{color:#cf222e}
section{border-top:1px solid #d0d7de;margin-top:16px}code{background:#f6f8fa;padding:0 4px}
</style></head><body>${parts.join('\n')}</body></html>`;
}
