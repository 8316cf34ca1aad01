import { PanelPlugin } from '@grafana/data';
import { CapacityPanel, defaultCapacityOptions, type CapacityOptions } from './CapacityPanel';

export const plugin = new PanelPlugin<CapacityOptions>(CapacityPanel).setPanelOptions((b) =>
  b
    .addBooleanSwitch({ path: 'showBands', name: '80% / 95% bands', defaultValue: defaultCapacityOptions.showBands })
    .addNumberInput({
      path: 'thresholdOverride',
      name: 'Threshold override',
      description: '0 uses the threshold from the companion',
      defaultValue: defaultCapacityOptions.thresholdOverride,
    })
);
