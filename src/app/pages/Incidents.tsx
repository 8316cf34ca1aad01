// Incidents: root-cause ranking for the latest (or a chosen) incident.
import { pageTimeZone } from '../api';
import React, { useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { InlineField, Input } from '@grafana/ui';
import { RootCausePanel, defaultRootCauseOptions } from '../../panels/rootcause/RootCausePanel';
import { Section } from '../Section';
import { usePanelData } from '../usePanelData';

export default function Incidents() {
  const [incident, setIncident] = useState('');
  const data = usePanelData([
    incident ? { refId: 'A', queryType: 'rootCause', incident } : { refId: 'A', queryType: 'rootCause' },
  ]);
  return (
    <PluginPage>
      <div data-testid="page-incidents">
        <InlineField label="Incident" labelWidth={12} tooltip="Empty: the latest incident">
          <Input
            width={30}
            placeholder="latest"
            value={incident}
            onChange={(e) => setIncident(e.currentTarget.value.trim())}
          />
        </InlineField>
        <Section title="Root cause" data={data} height={320}>
          {(w, h) => (
            <RootCausePanel
              data={data}
              options={defaultRootCauseOptions}
              width={w}
              height={h}
              timeZone={pageTimeZone()}
            />
          )}
        </Section>
      </div>
    </PluginPage>
  );
}
