// The CLI's command table. Loading is lazy so `foresight detect` does not pay for the SLO compiler.
export interface Command {
  summary: string;
  load: () => Promise<{ run: (argv: string[]) => Promise<number> }>;
}

export const commands: Record<string, Command> = {
  companion: { summary: 'run the companion server (--config FILE)', load: () => import('./companion.js') },
  slo: {
    summary: 'SLO specs (ours, Sloth, OpenSLO) → promtool-checked rules: validate|generate|test|apply|budget',
    load: () => import('./slo.js'),
  },
  detect: {
    summary: 'score a timestamp,value CSV for anomalies, online (--input F [--output F] [--json])',
    load: () => import('./detect.js'),
  },
  forecast: {
    summary: 'forecast a timestamp,value (or series,timestamp,value) CSV with 80/95% intervals (--input F --horizon N [--season S] [--step S])',
    load: () => import('./forecast.js'),
  },
  rca: {
    summary: 'rank root-cause candidates in a wide CSV (--input F --fault-time T [--json])',
    load: () => import('./rca.js'),
  },
  alerting: {
    summary: 'Alertmanager routes from the policy: generate|check|apply|test',
    load: () => import('./alerting.js'),
  },
  chaos: {
    summary: 'game days: validate|run|import|report a chaos plan (run needs the companion)',
    load: () => import('./chaos.js'),
  },
};
