import { PanelPlugin } from '@grafana/data';
import { HealthPanel, defaultHealthOptions, type HealthOptions } from './HealthPanel';

export const plugin = new PanelPlugin<HealthOptions>(HealthPanel).setPanelOptions((b) =>
  b
    .addTextInput({
      path: 'component',
      name: 'Component',
      description: 'Show only this component (supports $component); empty shows the worst first',
      defaultValue: defaultHealthOptions.component,
    })
    .addNumberInput({
      path: 'limit',
      name: 'Max components',
      defaultValue: defaultHealthOptions.limit,
      settings: { min: 1, integer: true },
    })
    .addBooleanSwitch({
      path: 'showCategories',
      name: 'Category breakdown',
      defaultValue: defaultHealthOptions.showCategories,
    })
    .addNumberInput({
      path: 'flatBand',
      name: 'Flat trend band (points)',
      description: 'Smaller score changes show a flat arrow',
      defaultValue: defaultHealthOptions.flatBand,
      settings: { min: 0 },
    })
);
