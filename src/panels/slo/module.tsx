import { PanelPlugin } from '@grafana/data';
import { SloPanel, defaultSloOptions, type SloOptions } from './SloPanel';

export const plugin = new PanelPlugin<SloOptions>(SloPanel).setPanelOptions((b) =>
  b
    .addTextInput({
      path: 'slo',
      name: 'SLO',
      description: 'Show only this SLO id (supports $slo); empty shows all',
      defaultValue: defaultSloOptions.slo,
    })
    .addBooleanSwitch({
      path: 'showBurnDown',
      name: 'Budget burn-down',
      description: 'Needs a “Budget history” query',
      defaultValue: defaultSloOptions.showBurnDown,
    })
    .addBooleanSwitch({
      path: 'showBurnRates',
      name: 'Burn rates per window',
      defaultValue: defaultSloOptions.showBurnRates,
    })
    .addSliderInput({
      path: 'minCoverage',
      name: 'Minimum data coverage',
      description: 'Share of the SLO window that must have data before the budget is judged',
      defaultValue: defaultSloOptions.minCoverage,
      settings: { min: 0, max: 1, step: 0.05 },
    })
);
