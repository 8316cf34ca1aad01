// Overview: every SLO's status and budget, the worst health scores, open anomalies, and forecasts
// that cross their threshold soon.
import React, { useMemo } from 'react';
import { LoadingState } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { decodeForecasts, decodeSloStatus, type Query } from '@foresight/contract';
import { SloPanel, defaultSloOptions } from '../../panels/slo/SloPanel';
import { HealthPanel, defaultHealthOptions } from '../../panels/health/HealthPanel';
import { CapacityPanel, defaultCapacityOptions } from '../../panels/capacity/CapacityPanel';
import { AnomalyTable } from '../AnomalyTable';
import { Section } from '../Section';
import { useOptions, usePanelData } from '../usePanelData';
import { pageTimeZone } from '../api';

export default function Overview() {
  // The dashboard/user zone every panel on the page shows its times in (as Grafana passes it to panels).
  const timeZone = pageTimeZone();
  const slo = usePanelData([{ refId: 'A', queryType: 'sloStatus' }]);
  const health = usePanelData([{ refId: 'A', queryType: 'healthScore' }]);
  // Every series alarms at its own configured sensitivity; scores run 0..1, so no further cut here.
  const anomalies = usePanelData([{ refId: 'A', queryType: 'anomalies', minScore: 0 }]);
  const targets = useOptions('targets');
  const fcQueries = useMemo<Query[] | null>(
    () =>
      targets && targets.length
        ? targets.map((t, i) => ({ refId: `F${i}`, queryType: 'forecast', target: t.value }))
        : null,
    [targets]
  );
  const forecasts = usePanelData(fcQueries);
  // Only forecasts that cross their threshold within the horizon belong on the overview.
  const crossing = useMemo(
    () => ({
      ...forecasts,
      series: forecasts.series.filter((f) =>
        decodeForecasts([f]).some((fc) => fc.crossingTime !== null && fc.crossingTime !== undefined)
      ),
    }),
    [forecasts]
  );
  return (
    <PluginPage>
      <div data-testid="page-overview">
        <Section
          title="SLOs"
          data={slo}
          height={230 * Math.max(1, decodeSloStatus(slo.series).length)}
          testId="overview-slos"
        >
          {(w, h) => (
            <SloPanel data={slo} options={{ ...defaultSloOptions, showBurnDown: false }} width={w} height={h} timeZone={timeZone} />
          )}
        </Section>
        <Section title="Worst health scores" data={health} height={200} testId="overview-health">
          {(w, h) => (
            <HealthPanel
              data={health}
              options={{ ...defaultHealthOptions, limit: 6, showCategories: false }}
              width={w}
              height={h}
              timeZone={timeZone}
            />
          )}
        </Section>
        <Section title="Open anomalies" data={anomalies} height={120} testId="overview-anomalies">
          {() => <AnomalyTable data={anomalies} limit={10} timeZone={timeZone} />}
        </Section>
        <Section
          title="Forecasts crossing a threshold"
          data={targets?.length === 0 ? undefined : forecasts.state === LoadingState.Loading ? forecasts : crossing}
          height={120}
          testId="overview-forecasts"
        >
          {(w, h) =>
            targets && targets.length === 0 ? (
              <span>No capacity targets configured.</span>
            ) : crossing.series.length === 0 && !crossing.errors?.length ? (
              <span>No forecast crosses its threshold within its horizon.</span>
            ) : (
              <CapacityPanel
                data={crossing}
                options={defaultCapacityOptions}
                width={w}
                height={Math.max(h, 260 * crossing.series.length)}
                timeZone={timeZone}
              />
            )
          }
        </Section>
      </div>
    </PluginPage>
  );
}
