// One editor row per query type: a type picker plus the fields that type takes (contract fields).
import React, { type ChangeEvent } from 'react';
import { css } from '@emotion/css';
import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, Input, Select, Stack, useStyles2 } from '@grafana/ui';
import { QUERY_TYPES, type QueryType } from '@foresight/contract';
import type { CompanionDataSource } from './datasource';
import { QUERY_TYPE_LABELS, type FsOptions, type FsQuery } from './types';

type Props = QueryEditorProps<CompanionDataSource, FsQuery, FsOptions>;

type TextKey = 'slo' | 'service' | 'component' | 'target' | 'series' | 'horizon' | 'incident';
const FIELDS: Record<
  QueryType,
  Array<{ key: TextKey | 'minScore'; label: string; placeholder: string; required?: boolean }>
> = {
  sloStatus: [
    { key: 'slo', label: 'SLO', placeholder: 'all, or $slo' },
    { key: 'service', label: 'Service', placeholder: 'all, or $service' },
  ],
  budgetHistory: [{ key: 'slo', label: 'SLO', placeholder: '$slo', required: true }],
  burnRates: [{ key: 'slo', label: 'SLO', placeholder: '$slo', required: true }],
  healthScore: [{ key: 'component', label: 'Component', placeholder: 'all, or $component' }],
  forecast: [
    { key: 'target', label: 'Target', placeholder: 'capacity target id', required: true },
    { key: 'series', label: 'Series', placeholder: '{service="db"}' },
    { key: 'horizon', label: 'Horizon', placeholder: '7d' },
  ],
  anomalies: [
    { key: 'target', label: 'Target', placeholder: 'all' },
    { key: 'minScore', label: 'Min score', placeholder: '0..1 (0.56 = once a week)' },
  ],
  rootCause: [{ key: 'incident', label: 'Incident', placeholder: 'latest' }],
};

const SENSITIVITY_OPTIONS: Array<SelectableValue<string>> = [
  { value: '', label: 'As configured' },
  { value: 'high', label: 'High (~1 false alarm / series-day)' },
  { value: 'medium', label: 'Medium (~1 / series-week)' },
  { value: 'low', label: 'Low (~1 / series-month)' },
];

const typeOptions: Array<SelectableValue<QueryType>> = QUERY_TYPES.map((t) => ({
  value: t,
  label: QUERY_TYPE_LABELS[t].label,
  description: QUERY_TYPE_LABELS[t].description,
}));

// Sizes in @grafana/ui (InlineLabel/Input `width`) assume border-box, which Grafana sets globally; set it on
// the editor too so a host without Grafana's global styles does not widen inputs past their field (overlap).
const getStyles = () => ({
  root: css({ boxSizing: 'border-box', '& *, & *::before, & *::after': { boxSizing: 'inherit' } }),
});

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const styles = useStyles2(getStyles);
  const type = query.queryType ?? 'sloStatus';
  const values = query as unknown as Record<string, string | number | undefined>;
  const set = (key: string, raw: string) => {
    const next: FsQuery & Record<string, unknown> = { ...query };
    if (raw === '') {
      delete next[key];
    } else {
      next[key] = key === 'minScore' ? Number(raw) : raw;
    }
    onChange(next);
  };
  // One wrapping row; each InlineField keeps its label and input together and the row's gap separates fields.
  return (
    <div className={styles.root} data-testid="fs-query-editor">
      <Stack direction="row" wrap="wrap" alignItems="flex-start" gap={0.5}>
        <InlineField label="Query" labelWidth={10}>
          <Select<QueryType>
            width={22}
            aria-label="Query type"
            options={typeOptions}
            value={type}
            onChange={(v) => {
              onChange({
                refId: query.refId,
                hide: query.hide,
                datasource: query.datasource,
                queryType: v.value ?? 'sloStatus',
              } as FsQuery);
              onRunQuery();
            }}
          />
        </InlineField>
        {FIELDS[type].map((f) => {
          const v = values[f.key];
          const missing = f.required && (v === undefined || v === '');
          return (
            <InlineField
              key={f.key}
              label={f.label}
              labelWidth={12}
              invalid={missing}
              error={missing ? `${f.label} is required` : undefined}
            >
              <Input
                width={f.key === 'series' ? 30 : 20}
                aria-label={f.label}
                placeholder={f.placeholder}
                type={f.key === 'minScore' ? 'number' : 'text'}
                value={v === undefined ? '' : String(v)}
                onChange={(e: ChangeEvent<HTMLInputElement>) => set(f.key, e.target.value)}
                onBlur={onRunQuery}
              />
            </InlineField>
          );
        })}
        {type === 'anomalies' && (
          <InlineField label="Sensitivity" labelWidth={12} tooltip="Only anomalies rarer than this false-alarm rate">
            <Select<string>
              width={30}
              aria-label="Sensitivity"
              options={SENSITIVITY_OPTIONS}
              value={(values.sensitivity as string | undefined) ?? ''}
              onChange={(v) => {
                set('sensitivity', v.value ?? '');
                onRunQuery();
              }}
            />
          </InlineField>
        )}
      </Stack>
    </div>
  );
}
