// Which open incident a new alert belongs to (pure). An alert joins an incident that was active within the
// proximity window and involves the same service, else one whose services it depends on or that depend on
// it (one hop in the service graph); otherwise it opens a new incident.
export interface OpenIncident { id: number; services: string[]; lastActivityAt: number }

export function alertService(labels: Record<string, string>): string {
  return labels.service ?? labels.component ?? labels.job ?? labels.alertname ?? 'unknown';
}

export function chooseIncident(
  service: string,
  now: number,
  open: OpenIncident[],
  deps: Map<string, string[]>,
  windowMs: number,
): number | undefined {
  const recent = open.filter((i) => now - i.lastActivityAt <= windowMs).sort((a, b) => b.lastActivityAt - a.lastActivityAt);
  const same = recent.find((i) => i.services.includes(service));
  if (same) return same.id;
  const related = (a: string, b: string): boolean => (deps.get(a) ?? []).includes(b) || (deps.get(b) ?? []).includes(a);
  return recent.find((i) => i.services.some((s) => related(s, service)))?.id;
}
