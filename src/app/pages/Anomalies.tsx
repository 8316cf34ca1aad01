// Anomalies: every scored anomaly in the last hours, filterable by minimum score.
import React, { useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { InlineField, Input } from '@grafana/ui';
import { AnomalyTable } from '../AnomalyTable';
import { Section } from '../Section';
import { usePanelData } from '../usePanelData';

export default function Anomalies() {
  const [minScore, setMinScore] = useState(3);
  const data = usePanelData([{ refId: 'A', queryType: 'anomalies', minScore }]);
  return (
    <PluginPage>
      <div data-testid="page-anomalies">
        <InlineField label="Min score" labelWidth={12}>
          <Input
            type="number"
            width={10}
            value={minScore}
            onChange={(e) => setMinScore(Math.max(0, Number(e.currentTarget.value) || 0))}
          />
        </InlineField>
        <Section title="Anomalies" data={data} height={200}>
          {() => <AnomalyTable data={data} />}
        </Section>
      </div>
    </PluginPage>
  );
}
