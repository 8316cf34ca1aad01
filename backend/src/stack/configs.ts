// Config files the local stack generates (pure: numbers in, YAML text out). Job names match
// provisioning/prometheus.yml so queries and rules work the same under docker-compose.
import { stringify } from 'yaml';
import { DEMO_API_TOKEN } from '../config/schema.js';
import { DEMO_HEALTH, DEMO_MODEL_TARGETS, DEMO_RCA_METRICS } from '../demo/foresight-config.js';

export { DEMO_MODEL_TARGETS };

export interface DemoPrometheusConfigOptions {
  prometheusPort: number;
  alertmanagerPort: number;
  workloadPort: number;
  companionPort?: number;
  /** node_exporter (job `node`), when it runs */
  nodeExporterPort?: number;
  rulesDir: string;
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
}

export function demoPrometheusConfig(o: DemoPrometheusConfigOptions): string {
  const job = (name: string, port: number): object => ({ job_name: name, static_configs: [{ targets: [`127.0.0.1:${port}`] }] });
  const scrapes = [
    job('prometheus', o.prometheusPort),
    job('alertmanager', o.alertmanagerPort),
    job('demo', o.workloadPort),
    ...(o.nodeExporterPort ? [job('node', o.nodeExporterPort)] : []),
    ...(o.companionPort ? [job('foresight', o.companionPort)] : []),
  ];
  return stringify({
    global: {
      scrape_interval: `${o.scrapeIntervalSeconds ?? 15}s`,
      evaluation_interval: `${o.evaluationIntervalSeconds ?? 15}s`,
      external_labels: { monitor: 'foresight-demo' },
    },
    rule_files: [`${o.rulesDir}/*.yml`, `${o.rulesDir}/*.yaml`],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${o.alertmanagerPort}`] }] }] },
    scrape_configs: scrapes,
  });
}

/** Default Alertmanager config: everything to the companion's webhook (incidents, RCA), authenticated with the
 *  webhook secret read from `webhookCredentialsFile` (the companion's `alerting.webhook.secret.file`), never the API token. */
export function demoAlertmanagerConfig(o: { companionPort: number; webhookCredentialsFile: string }): string {
  return stringify({
    route: {
      receiver: 'foresight',
      group_by: ['alertname', 'service'],
      group_wait: '10s',
      group_interval: '1m',
      repeat_interval: '4h',
    },
    receivers: [
      {
        name: 'foresight',
        webhook_configs: [
          {
            url: `http://127.0.0.1:${o.companionPort}/api/alerting/webhook`,
            send_resolved: true,
            http_config: { authorization: { type: 'Bearer', credentials_file: o.webhookCredentialsFile } },
          },
        ],
      },
    ],
  });
}

/** The companion's config for the demo (deep-merged with the caller's overrides). */
export function demoCompanionConfig(o: {
  port: number;
  prometheusUrl: string;
  alertmanagerUrl: string;
  rulesDir: string;
  alertmanagerConfigFile: string;
  storeFile: string;
  /** the demo workload, whose fault log the root-cause timeline shows */
  workloadUrl?: string;
  /** the file holding the webhook secret Alertmanager sends */
  webhookSecretFile?: string;
  overrides?: object;
}): string {
  const base = {
    server: { host: '127.0.0.1', port: o.port },
    prometheus: { url: o.prometheusUrl },
    alertmanager: { url: o.alertmanagerUrl, configFile: o.alertmanagerConfigFile },
    rules: { dir: o.rulesDir },
    store: { file: o.storeFile },
    auth: { token: DEMO_API_TOKEN }, // the documented demo token; a config file must name one
    models: DEMO_MODEL_TARGETS,
    // Baselines from the last hour at 15 s, so a fresh demo scores every category within minutes.
    health: { ...DEMO_HEALTH, intervalSeconds: 15, baselineHours: 1, baselineStepSeconds: 15, baselineGapSeconds: 60, baselineRefreshSeconds: 60 },
    // A 10-minute baseline (not the default hour) so a fresh demo can already rank root causes.
    ...(o.webhookSecretFile ? { alerting: { webhook: { secret: { file: o.webhookSecretFile } } } } : {}),
    rca: { metrics: DEMO_RCA_METRICS, baselineMinutes: 10, ...(o.workloadUrl ? { faultsUrl: o.workloadUrl } : {}) },
  };
  return stringify(deepMerge(base, o.overrides ?? {}));
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(a: object, b: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlain(prev) && isPlain(v) ? deepMerge(prev, v) : v;
  }
  return out;
}
