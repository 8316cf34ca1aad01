// Create/edit an SLO (editing opens a stored spec source and Apply replaces that source by file name): the spec (YAML) is validated live by the companion (`POST /api/slo/validate`),
// the rules it would write are previewed (`POST /api/slo/generate`), and Apply writes them
// (`POST /api/slo/apply`, which runs promtool, reloads Prometheus and rolls back on failure).
// Bodies are the SLO API's `{ sources: [{ file, text }] }`; answers carry `issues` ({level, field, message}).
import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Stack, TextArea, useStyles2 } from '@grafana/ui';
import { companion, describeFetchError } from './api';

export const SLO_TEMPLATE = `version: foresight/v1
service: checkout
slos:
  - name: availability
    objective: 99.9
    window: 30d
    sli:
      ratio:
        errors: sum(rate(http_requests_total{service="checkout",code=~"5.."}[{{.window}}]))
        total: sum(rate(http_requests_total{service="checkout"}[{{.window}}]))
`;

interface Issue {
  level?: 'error' | 'warning';
  path?: string;
  field?: string;
  slo?: string;
  message: string;
}

/** The source name new specs are stored under; an edited spec keeps its own file name. */
export const EDITOR_FILE = 'grafana-editor.yml';

/** Pulls a list of issues out of whatever the validate endpoint answered (tolerant of its shape). */
export function issuesOf(body: unknown): Issue[] {
  const b = body as { issues?: unknown; errors?: unknown; error?: unknown } | null;
  const list = Array.isArray(b?.issues)
    ? b?.issues
    : Array.isArray(b?.errors)
      ? b?.errors
      : typeof b?.error === 'string'
        ? [{ message: b.error }]
        : [];
  return (list as unknown[]).map((i) => (typeof i === 'string' ? { message: i } : (i as Issue)));
}

/** The rule files of a generate answer: `{files: {name: yaml}}` or `{rules: yaml}`. */
export function filesOf(body: unknown): Record<string, string> {
  const b = body as { files?: Record<string, string>; rules?: string; yaml?: string } | null;
  if (b?.files && typeof b.files === 'object') {
    return b.files;
  }
  if (typeof b?.rules === 'string') {
    return { 'rules.yaml': b.rules };
  }
  if (typeof b?.yaml === 'string') {
    return { 'rules.yaml': b.yaml };
  }
  return {};
}

const isError = (i: Issue) => i.level !== 'warning';

export interface SloEditorProps {
  initial?: string;
  /** The stored source being edited: validation, preview and Apply use this name, so Apply replaces it. */
  file?: string;
  onDone: () => void;
}

export function SloEditor({ initial = SLO_TEMPLATE, file = EDITOR_FILE, onDone }: SloEditorProps) {
  const s = useStyles2(getStyles);
  const body = (spec: string) => ({ sources: [{ file, text: spec }] });
  const [spec, setSpec] = useState(initial);
  const [issues, setIssues] = useState<Issue[] | null>(null);
  const [preview, setPreview] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  // Live validation, debounced so typing does not flood the companion.
  useEffect(() => {
    const t = setTimeout(async () => {
      try {
        const v = await companion('/api/slo/validate', { method: 'POST', data: body(spec) });
        const found = issuesOf(v);
        setIssues(found);
        if (!found.some(isError)) {
          setPreview(filesOf(await companion('/api/slo/generate', { method: 'POST', data: body(spec) })));
        }
      } catch (err) {
        // A 422 from validate carries the issues in its body.
        const e = err as { data?: unknown };
        const found = issuesOf(e.data);
        setIssues(found.length ? found : [{ message: describeFetchError(err) }]);
        setPreview({});
      }
    }, 400);
    return () => clearTimeout(t);
  }, [spec, file]); // eslint-disable-line react-hooks/exhaustive-deps -- `body` is derived from `file`

  const apply = async () => {
    setBusy(true);
    setStatus(null);
    try {
      await companion('/api/slo/apply', { method: 'POST', data: body(spec) });
      setStatus({ kind: 'success', text: 'Rules applied: Prometheus reloaded and verified.' });
    } catch (err) {
      setStatus({ kind: 'error', text: `Apply failed (nothing was changed): ${describeFetchError(err)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="page-slo-editor">
      <Field
        label={file === EDITOR_FILE ? 'SLO spec (YAML)' : `SLO spec (YAML): ${file}`}
        description={
          file === EDITOR_FILE
            ? 'foresight/v1, Sloth or OpenSLO; validated as you type'
            : 'Editing a stored spec: Apply replaces this file (all SLOs in it); validated as you type'
        }
      >
        <TextArea
          className={s.editor}
          rows={14}
          value={spec}
          onChange={(e) => setSpec(e.currentTarget.value)}
          aria-label="SLO spec"
        />
      </Field>
      {issues !== null && !issues.some(isError) && <Alert severity="success" title="Valid" data-testid="slo-valid" />}
      {issues && issues.length > 0 && (
        <Alert
          severity={issues.some(isError) ? 'error' : 'warning'}
          title={`${issues.length} issue${issues.length > 1 ? 's' : ''}`}
          data-testid="slo-issues"
        >
          <ul>
            {issues.map((i, k) => (
              <li key={k}>
                {i.level === 'warning' ? 'warning: ' : ''}
                {i.slo ? <b>{i.slo} </b> : null}
                {(i.path ?? i.field) ? <code>{i.path ?? i.field}</code> : null} {i.message}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {Object.entries(preview).map(([name, yaml]) => (
        <Field key={name} label={`Rules preview: ${name}`}>
          <pre className={s.preview} data-testid="slo-rules-preview">
            {yaml}
          </pre>
        </Field>
      ))}
      {status && <Alert severity={status.kind} title={status.text} />}
      <Stack>
        <Button onClick={apply} disabled={busy || !issues || issues.some(isError)} icon={busy ? 'spinner' : 'check'}>
          Apply
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Back
        </Button>
      </Stack>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  preview: css({ width: '100%', maxHeight: 320, overflow: 'auto', fontSize: theme.typography.bodySmall.fontSize }),
});
