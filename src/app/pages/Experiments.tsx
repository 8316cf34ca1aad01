// Experiments: game-day runs from the companion's /api/chaos — history, the verdict of every expectation,
// and each run's timeline beside the incidents Alertmanager opened meanwhile; a plan can be validated and run.
import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, Combobox, LinkButton, Stack, TextArea, useStyles2 } from '@grafana/ui';
import { companion, describeFetchError } from '../api';
import { COMPANION_PROXY } from '../../constants';

interface Verdict {
  expectation: string;
  verdict: 'met' | 'missed' | 'not_checked';
  expected: string;
  observed: string;
}
interface ExperimentResult {
  experiment: string;
  target: string;
  judgement: {
    outcome: string;
    summary: string;
    verdicts: Verdict[];
    scores: {
      alertDetectionSeconds?: number;
      anomalyDetectionSeconds?: number;
      routingCorrect?: boolean;
      rcaRank?: number;
      timeToRecoverSeconds?: number;
    };
  };
}
interface RunEvent {
  at: number;
  experiment: string;
  step: string;
  ok: boolean;
  message: string;
}
interface Run {
  id: number;
  plan: string;
  trigger: string;
  status: string;
  outcome?: string;
  startedAt: string;
  endedAt?: string;
  current?: string;
  experiments: ExperimentResult[];
  events?: RunEvent[];
}
interface Incident {
  id: number;
  title: string;
  services: string[];
  status: string;
  openedAt: string;
  resolvedAt?: string;
}

const secs = (x: number | undefined) => (x === undefined ? '—' : `${x} s`);
const VERDICT: Record<string, string> = { met: 'met', missed: 'missed', not_checked: 'not checked' };

export default function Experiments() {
  const s = useStyles2(getStyles);
  const [runs, setRuns] = useState<Run[]>([]);
  const [selected, setSelected] = useState<number | undefined>();
  const [run, setRun] = useState<Run | undefined>();
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [plan, setPlan] = useState('');
  const [planMsg, setPlanMsg] = useState<{ ok: boolean; text: string } | undefined>();

  // Bumped to reload the run list (Refresh, a new run).
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let live = true;
    companion<Run[]>('/api/chaos/runs?limit=50').then(
      (list) => {
        if (live) {
          setRuns(list);
          setSelected((cur) => cur ?? list[0]?.id);
          setError(undefined);
        }
      },
      (e) => live && setError(describeFetchError(e))
    );
    return () => {
      live = false;
    };
  }, [reload]);

  useEffect(() => {
    if (selected === undefined) {
      return;
    }
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const r = await companion<Run>(`/api/chaos/runs/${selected}`);
        const inc = await companion<Incident[]>('/api/alerting/incidents?limit=200').catch(() => []);
        if (stop) {
          return;
        }
        setRun(r);
        const from = Date.parse(r.startedAt) - 60_000;
        const to = r.endedAt ? Date.parse(r.endedAt) + 60_000 : Infinity;
        setIncidents(inc.filter((i) => Date.parse(i.openedAt) >= from && Date.parse(i.openedAt) <= to));
        // Progress shows live: poll while the run is going.
        if (r.status !== 'done') {
          timer = setTimeout(poll, 2000);
        }
      } catch (e) {
        if (!stop) {
          setError(describeFetchError(e));
        }
      }
    };
    void poll();
    return () => {
      stop = true;
      if (timer) {
        clearTimeout(timer);
      }
    };
  }, [selected]);

  const submit = async (path: 'validate' | 'runs') => {
    try {
      const r = await companion<{ valid?: boolean; errors?: string[]; warnings?: string[]; id?: number }>(
        `/api/chaos/${path}`,
        { method: 'POST', data: { text: plan, file: 'plan' } }
      );
      if (path === 'runs' && r.id) {
        setPlanMsg({ ok: true, text: `run ${r.id} started` });
        setSelected(r.id);
        setReload((n) => n + 1);
      } else {
        setPlanMsg({
          ok: !!r.valid,
          text: r.valid
            ? `valid${r.warnings?.length ? `; warnings: ${r.warnings.join('; ')}` : ''}`
            : (r.errors ?? []).join('\n'),
        });
      }
    } catch (e) {
      setPlanMsg({ ok: false, text: describeFetchError(e) });
    }
  };

  const timeline = [
    ...(run?.events ?? []).map((e) => ({
      at: e.at,
      kind: 'chaos',
      text: `[${e.experiment}] ${e.step}: ${e.message}`,
      ok: e.ok,
    })),
    ...incidents.map((i) => ({
      at: Date.parse(i.openedAt),
      kind: 'incident',
      text: `incident #${i.id} opened: ${i.title} (${i.services.join(', ')}) — ${i.status}`,
      ok: true,
    })),
    ...incidents
      .filter((i) => i.resolvedAt)
      .map((i) => ({ at: Date.parse(i.resolvedAt!), kind: 'incident', text: `incident #${i.id} resolved`, ok: true })),
  ].sort((a, b) => a.at - b.at);
  const t0 = timeline[0]?.at ?? 0;

  return (
    <PluginPage>
      <div data-testid="page-experiments" className={s.page}>
        {error && <Alert title="Companion not reachable">{error}</Alert>}
        <Stack direction="row" alignItems="center" gap={1}>
          <Combobox
            width={60}
            aria-labelledby="experiments-run"
            placeholder={runs.length ? 'Choose a run' : 'No game-day runs yet'}
            value={selected ?? null}
            options={runs.map((r) => ({
              value: r.id,
              label: `#${r.id} ${r.plan} — ${r.outcome ?? r.status} (${r.startedAt.slice(0, 16).replace('T', ' ')})`,
            }))}
            onChange={(v) => setSelected(v.value)}
          />
          <Button variant="secondary" icon="sync" onClick={() => setReload((n) => n + 1)}>
            Refresh
          </Button>
          {run && (
            <>
              <LinkButton
                variant="secondary"
                href={`${COMPANION_PROXY}/api/chaos/runs/${run.id}/report?format=html`}
                target="_blank"
              >
                HTML report
              </LinkButton>
              <LinkButton
                variant="secondary"
                href={`${COMPANION_PROXY}/api/chaos/runs/${run.id}/report?format=md`}
                target="_blank"
              >
                Markdown
              </LinkButton>
            </>
          )}
        </Stack>

        {run && (
          <>
            <h3 className={s.h}>
              {run.plan} · run #{run.id} ·{' '}
              <span className={run.outcome === 'passed' ? s.ok : s.bad}>
                {run.outcome ?? `${run.status}${run.current ? `: ${run.current}` : ''}`}
              </span>
            </h3>
            <table className={s.table} data-testid="experiments-summary">
              <thead>
                <tr>
                  {[
                    'experiment',
                    'target',
                    'outcome',
                    'first anomaly',
                    'first alert',
                    'routing',
                    'RCA rank',
                    'recovery',
                  ].map((h) => (
                    <th key={h}>{h}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {run.experiments.map((e) => (
                  <tr key={e.experiment}>
                    <td>{e.experiment}</td>
                    <td>{e.target}</td>
                    <td className={e.judgement.outcome === 'passed' ? s.ok : s.bad}>{e.judgement.outcome}</td>
                    <td>{secs(e.judgement.scores.anomalyDetectionSeconds)}</td>
                    <td>{secs(e.judgement.scores.alertDetectionSeconds)}</td>
                    <td>
                      {e.judgement.scores.routingCorrect === undefined
                        ? '—'
                        : e.judgement.scores.routingCorrect
                          ? 'correct'
                          : 'wrong'}
                    </td>
                    <td>
                      {e.judgement.scores.rcaRank === undefined
                        ? '—'
                        : e.judgement.scores.rcaRank
                          ? `#${e.judgement.scores.rcaRank}`
                          : 'not ranked'}
                    </td>
                    <td>{secs(e.judgement.scores.timeToRecoverSeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {run.experiments.map((e) => (
              <div key={e.experiment} className={s.block}>
                <h4 className={s.h}>{e.experiment}</h4>
                <div>{e.judgement.summary}</div>
                <table className={s.table}>
                  <tbody>
                    {e.judgement.verdicts.map((v) => (
                      <tr key={v.expectation}>
                        <td>{v.expectation}</td>
                        <td>{v.expected}</td>
                        <td>{v.observed}</td>
                        <td className={v.verdict === 'met' ? s.ok : v.verdict === 'missed' ? s.bad : ''}>
                          {VERDICT[v.verdict]}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
            <h4 className={s.h}>Timeline: experiment steps beside incidents</h4>
            <ol className={s.timeline} data-testid="experiments-timeline">
              {timeline.map((t, i) => (
                <li key={i} className={t.kind === 'incident' ? s.incident : t.ok ? '' : s.bad}>
                  <code>+{Math.round((t.at - t0) / 1000)} s</code> {t.kind === 'incident' ? '🔔 ' : ''}
                  {t.text}
                </li>
              ))}
            </ol>
          </>
        )}

        <h4 className={s.h}>Run a plan</h4>
        <TextArea
          rows={8}
          placeholder="version: foresight/chaos-v1 … (see examples/chaos/)"
          value={plan}
          onChange={(e) => setPlan(e.currentTarget.value)}
        />
        <Stack direction="row" gap={1}>
          <Button variant="secondary" onClick={() => void submit('validate')} disabled={!plan.trim()}>
            Validate
          </Button>
          <Button onClick={() => void submit('runs')} disabled={!plan.trim()}>
            Run
          </Button>
        </Stack>
        {planMsg && (
          <Alert severity={planMsg.ok ? 'success' : 'error'} title={planMsg.ok ? 'OK' : 'Refused'}>
            <pre className={s.pre}>{planMsg.text}</pre>
          </Alert>
        )}
      </div>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  h: css({ margin: theme.spacing(2, 0, 1) }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      border: `1px solid ${theme.colors.border.weak}`,
      padding: theme.spacing(0.5, 1),
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: { background: theme.colors.background.secondary },
  }),
  ok: css({ color: theme.colors.success.text, fontWeight: theme.typography.fontWeightMedium }),
  bad: css({ color: theme.colors.error.text, fontWeight: theme.typography.fontWeightMedium }),
  incident: css({ color: theme.colors.warning.text }),
  block: css({ marginTop: theme.spacing(1) }),
  timeline: css({
    listStyle: 'none',
    paddingLeft: theme.spacing(1),
    borderLeft: `3px solid ${theme.colors.border.medium}`,
  }),
  pre: css({ whiteSpace: 'pre-wrap', margin: 0 }),
});
