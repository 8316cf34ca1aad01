import { PanelPlugin } from '@grafana/data';
import { RootCausePanel, defaultRootCauseOptions, type RootCauseOptions } from './RootCausePanel';

export const plugin = new PanelPlugin<RootCauseOptions>(RootCausePanel).setPanelOptions((b) =>
  b
    .addNumberInput({
      path: 'maxCandidates',
      name: 'Candidates shown',
      defaultValue: defaultRootCauseOptions.maxCandidates,
      settings: { min: 1, integer: true },
    })
    .addTextInput({
      path: 'prometheusUid',
      name: 'Prometheus datasource uid',
      description: 'Used for the Explore links',
      defaultValue: defaultRootCauseOptions.prometheusUid,
    })
    .addBooleanSwitch({ path: 'showTimeline', name: 'Timeline', defaultValue: defaultRootCauseOptions.showTimeline })
);
