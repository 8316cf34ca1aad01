// Anomalies: every point the companion flagged in the last hours (each series alarms at its configured
// sensitivity), optionally only the rarer ones. Scores are calibrated rarity in 0..1: 0.35 = once a day
// by chance, 0.56 = once a week, 0.72 = once a month (see backend models/anomaly/detector.ts).
import React, { useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { InlineField, Select } from '@grafana/ui';
import { AnomalyTable } from '../AnomalyTable';
import { Section } from '../Section';
import { usePanelData } from '../usePanelData';

const MIN_SCORES = [
  { value: 0, label: 'All flagged (as configured)' },
  { value: 0.35, label: 'Rarer than daily (high)' },
  { value: 0.56, label: 'Rarer than weekly (medium)' },
  { value: 0.72, label: 'Rarer than monthly (low)' },
];

export default function Anomalies() {
  const [minScore, setMinScore] = useState(0);
  const data = usePanelData([{ refId: 'A', queryType: 'anomalies', minScore }]);
  return (
    <PluginPage>
      <div data-testid="page-anomalies">
        <InlineField label="Show" labelWidth={12} tooltip="Scores are calibrated: rarer than once a day / week / month by chance">
          <Select
            width={36}
            value={minScore}
            options={MIN_SCORES}
            onChange={(v) => setMinScore(v.value ?? 0)}
          />
        </InlineField>
        <Section title="Anomalies" data={data} height={200}>
          {() => <AnomalyTable data={data} />}
        </Section>
      </div>
    </PluginPage>
  );
}
