// Capacity: a forecast with bands for every capacity target the companion knows.
import { pageTimeZone } from '../api';
import React, { useMemo } from 'react';
import { PluginPage } from '@grafana/runtime';
import type { Query } from '@foresight/contract';
import { CapacityPanel, defaultCapacityOptions } from '../../panels/capacity/CapacityPanel';
import { Section } from '../Section';
import { useOptions, usePanelData } from '../usePanelData';

export default function Capacity() {
  const targets = useOptions('targets');
  const queries = useMemo<Query[] | null>(
    () =>
      targets?.length ? targets.map((t, i) => ({ refId: `F${i}`, queryType: 'forecast', target: t.value })) : null,
    [targets]
  );
  const data = usePanelData(queries);
  return (
    <PluginPage>
      <div data-testid="page-capacity">
        {targets && targets.length === 0 ? (
          <span>No capacity targets configured in the companion.</span>
        ) : (
          <Section title="Capacity forecasts" data={data} height={Math.max(300, 280 * (targets?.length ?? 1))}>
            {(w, h) => (
              <CapacityPanel
                data={data}
                options={defaultCapacityOptions}
                width={w}
                height={h}
                timeZone={pageTimeZone()}
              />
            )}
          </Section>
        )}
      </div>
    </PluginPage>
  );
}
