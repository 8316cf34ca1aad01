// The local stack: real prometheus / prometheus-alertmanager binaries, the demo workload and the
// companion, for `npm run demo` and for integration tests.
export type { Managed } from './types.js';
export { freePort, assertPortFree, isPortOpen } from './ports.js';
export { startPrometheus, type StartPrometheusOptions } from './prometheus.js';
export { startAlertmanager, type StartAlertmanagerOptions } from './alertmanager.js';
export { startWorkload, type StartWorkloadOptions } from './workload.js';
export { startNodeExporter, nodeExporterBinary, type StartNodeExporterOptions } from './node-exporter.js';
export { startDemoStack, type DemoStackOptions, type DemoStack } from './demo-stack.js';
export { demoPrometheusConfig, demoAlertmanagerConfig, demoCompanionConfig } from './configs.js';
export { findBinary, APT_HINT } from './children.js';
