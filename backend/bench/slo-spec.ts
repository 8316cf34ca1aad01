// The bench's synthetic spec: N foresight/v1 SLOs cycling through every SLI kind, objective and window.
export function benchSpec(n: number, minEvents = true): string {
  const kinds = [
    (i: number) => `      ratio:\n        errors: sum(rate(http_requests_total{svc="s${i}",code=~"5.."}[{{.window}}]))\n        total: sum(rate(http_requests_total{svc="s${i}"}[{{.window}}]))`,
    (i: number) => `      latency:\n        metric: http_request_duration_seconds\n        selector: '{svc="s${i}"}'\n        threshold: 0.25`,
    (i: number) => `      availability:\n        metric: up\n        selector: '{job="s${i}"}'`,
    (i: number) => `      raw:\n        errorRatio: 1 - avg(rate(ok_total{svc="s${i}"}[{{.window}}]))`,
  ];
  const windows = ['window: 30d', 'window: 28d', 'window: 7d', 'calendar: month'];
  const parts = ['version: foresight/v1\nslos:\n'];
  for (let i = 0; i < n; i++) {
    const guard = minEvents ? `    alerting:\n      minEvents: ${i % 3 === 0 ? 10 : 0}\n` : '';
    parts.push(`  - service: svc-${i % 100}\n    name: slo-${i}\n    objective: ${[99.9, 99.5, 99, 95][i % 4]}\n    ${windows[(i >> 2) % 4]}\n${guard}    sli:\n${kinds[i % 4]!(i)}\n`);
  }
  return parts.join('');
}
