import { FieldConfigProperty, PanelPlugin, ThresholdsMode } from '@grafana/data';
import { CapacityPanel, defaultCapacityOptions, type CapacityOptions } from './CapacityPanel';

export const plugin = new PanelPlugin<CapacityOptions>(CapacityPanel)
  // Standard options honoured by the chart: unit, decimals, min/max, thresholds (drawn as dashed lines;
  // by default none beyond the forecast's own threshold).
  .useFieldConfig({
    standardOptions: {
      [FieldConfigProperty.Thresholds]: {
        defaultValue: { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'green' }] },
      },
    },
  })
  .setPanelOptions((b) =>
    b
      .addBooleanSwitch({ path: 'showBands', name: '80% / 95% bands', defaultValue: defaultCapacityOptions.showBands })
      .addNumberInput({
        path: 'thresholdOverride',
        name: 'Threshold override',
        description: '0 uses the threshold from the companion',
        defaultValue: defaultCapacityOptions.thresholdOverride,
      })
  );
