// Anomalies: every point the companion flagged in the last hours (each series alarms at its configured
// sensitivity), optionally only the rarer ones. Scores are calibrated rarity in 0..1: 0.35 = once a day
// by chance, 0.56 = once a week, 0.72 = once a month (see backend models/anomaly/detector.ts).
import React, { useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { InlineField, Select } from '@grafana/ui';
import { AnomalyTable } from '../AnomalyTable';
import { Section } from '../Section';
import { usePanelData } from '../usePanelData';
import { pageTimeZone } from '../api';

type Sens = 'low' | 'medium' | 'high' | 'configured';
const SENSITIVITIES: Array<{ value: Sens; label: string }> = [
  { value: 'configured', label: 'All flagged (as configured)' },
  { value: 'high', label: 'Rarer than daily (high)' },
  { value: 'medium', label: 'Rarer than weekly (medium)' },
  { value: 'low', label: 'Rarer than monthly (low)' },
];

export default function Anomalies() {
  const [sens, setSens] = useState<Sens>('configured');
  const data = usePanelData([
    { refId: 'A', queryType: 'anomalies', ...(sens === 'configured' ? {} : { sensitivity: sens }) },
  ]);
  return (
    <PluginPage>
      <div data-testid="page-anomalies">
        <InlineField label="Show" labelWidth={12} tooltip="Scores are calibrated: rarer than once a day / week / month by chance">
          <Select<Sens>
            width={36}
            value={sens}
            options={SENSITIVITIES}
            onChange={(v) => setSens(v.value ?? 'configured')}
          />
        </InlineField>
        <Section title="Anomalies" data={data} height={200}>
          {() => <AnomalyTable data={data} timeZone={pageTimeZone()} />}
        </Section>
      </div>
    </PluginPage>
  );
}
