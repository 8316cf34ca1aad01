// The runbook library: Markdown files with YAML front matter naming the symptoms, metrics (regular
// expressions on candidate metric names) and fault types each applies to, matched against ranked evidence.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { CandidateRank } from './model/index.js';

const frontMatterSchema = z
  .object({
    title: z.string().min(1),
    symptoms: z.array(z.string().min(1)).min(1),
    metrics: z.array(z.string().min(1)).min(1),
    faults: z.array(z.string()).default([]),
    labels: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export interface Runbook {
  id: string;
  file: string;
  title: string;
  symptoms: string[];
  metrics: RegExp[];
  faults: string[];
  labels: Record<string, string>;
  body: string;
}

export interface RunbookMatch {
  id: string;
  title: string;
  link: string;
  score: number;
  reason: string;
}

export function parseRunbook(text: string, file: string): Runbook {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`${file}: no YAML front matter (a '---' block at the top)`);
  let raw: unknown;
  try {
    raw = parseYaml(m[1]!);
  } catch (e) {
    throw new Error(`${file}: front matter is not valid YAML: ${(e as Error).message}`);
  }
  const r = frontMatterSchema.safeParse(raw);
  if (!r.success) throw new Error(`${file}: ${r.error.issues.map((i) => `${i.path.join('.') || 'front matter'}: ${i.message}`).join('; ')}`);
  const metrics = r.data.metrics.map((p, i) => {
    try {
      return new RegExp(p, 'i');
    } catch (e) {
      throw new Error(`${file}: metrics[${i}] '${p}' is not a valid regular expression: ${(e as Error).message}`);
    }
  });
  const id = file.replace(/^.*[\\/]/, '').replace(/\.md$/, '');
  return { id, file, ...r.data, metrics, body: m[2]! };
}

export async function loadRunbooks(dir: string): Promise<Runbook[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.md') && n.toLowerCase() !== 'readme.md').sort();
  return Promise.all(names.map(async (n) => parseRunbook(await readFile(join(dir, n), 'utf8'), join(dir, n))));
}

/**
 * Scores each runbook by the ranked candidates whose metric it covers (weighted by the candidate's score
 * and rank), only on the top-ranked components, so the runbook for the cause beats the one for symptoms.
 */
export function matchRunbooks(
  books: Runbook[],
  candidates: CandidateRank[],
  o: { baseUrl?: string; componentLabel?: string; faultTypes?: string[]; limit?: number } = {},
): RunbookMatch[] {
  const top = candidates.slice(0, 8);
  const out: RunbookMatch[] = [];
  for (const b of books) {
    let score = 0;
    const why: string[] = [];
    top.forEach((c, rank) => {
      const lbl = o.componentLabel ?? 'service';
      if (b.labels[lbl] !== undefined && b.labels[lbl] !== c.component) return;
      const hits = b.metrics.filter((re) => re.test(c.metric)).length;
      if (!hits) return;
      score += c.score * (1 / (1 + rank)) * (1 + 0.25 * (hits - 1));
      if (why.length < 2) why.push(`${c.metric} on ${c.component}`);
    });
    const faults = (o.faultTypes ?? []).filter((f) => b.faults.includes(f));
    if (faults.length) {
      score += 0.5;
      why.push(`fault injected: ${faults.join(', ')}`);
    }
    if (score > 0) {
      out.push({
        id: b.id,
        title: b.title,
        link: o.baseUrl ? `${o.baseUrl.replace(/\/$/, '')}/${b.id}.md` : b.file,
        score: Math.round(score * 1000) / 1000,
        reason: `matches ${why.join('; ')}`,
      });
    }
  }
  return out.sort((a, b) => b.score - a.score).slice(0, o.limit ?? 3);
}

/**
 * The runbook for an alert rule, from the metric names its PromQL mentions (for a `runbook_url`
 * annotation when rules are generated): the runbook covering the most of them, or undefined.
 */
export function runbookForExpr(books: Runbook[], expr: string, baseUrl?: string): RunbookMatch | undefined {
  const names = [...new Set(expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [])].filter((n) => !PROMQL_WORDS.has(n));
  let best: RunbookMatch | undefined;
  for (const b of books) {
    const hits = names.filter((n) => b.metrics.some((re) => re.test(n)));
    if (hits.length && (!best || hits.length > best.score)) {
      best = { id: b.id, title: b.title, link: baseUrl ? `${baseUrl.replace(/\/$/, '')}/${b.id}.md` : b.file, score: hits.length, reason: `alert expression uses ${hits.join(', ')}` };
    }
  }
  return best;
}

const PROMQL_WORDS = new Set(
  'sum avg min max count rate irate increase by without on ignoring group_left group_right histogram_quantile le and or unless bool offset abs clamp_min clamp_max predict_linear deriv delta avg_over_time max_over_time min_over_time sum_over_time count_over_time quantile_over_time topk bottomk absent vector scalar time code'.split(' '),
);
