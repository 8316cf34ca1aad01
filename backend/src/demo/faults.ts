// Fault kinds the demo workload can suffer, their defaults, and validation of a fault request.
import { SERVICES, PROFILES, isService, type Service } from './topology.js';

export const FAULT_TYPES = [
  'latency_spike',
  'error_burst',
  'memory_leak',
  'disk_fill',
  'dependency_outage',
  'traffic_surge',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export interface FaultSpec {
  type: FaultType;
  service: Service;
  durationSeconds: number;
  /** meaning depends on type; see FAULT_MAGNITUDE */
  magnitude?: number;
}

/** One injected fault as the ground truth records it. */
export interface FaultRecord {
  id: string;
  type: FaultType;
  service: Service;
  magnitude: number;
  startMs: number;
  /** planned end, or the time it was ended early */
  endMs: number;
  /** ISO forms of startMs/endMs, as GET /faults shows them */
  start: string;
  end: string;
}

/** Default magnitude per type, and what it means. */
export const FAULT_MAGNITUDE: Record<FaultType, { default: number; min: number; max: number; meaning: string }> = {
  latency_spike: { default: 6, min: 1, max: 1000, meaning: 'multiplier of the service’s own latency' },
  error_burst: { default: 0.3, min: 0, max: 1, meaning: 'fraction of requests answered 5xx' },
  memory_leak: { default: 0.03, min: 0, max: 1, meaning: 'fraction of the memory limit leaked per minute' },
  disk_fill: { default: 0.02, min: 0, max: 1, meaning: 'fraction of disk capacity written per minute' },
  dependency_outage: { default: 1, min: 0, max: 1, meaning: 'fraction of requests failing (1 = down)' },
  traffic_surge: { default: 3, min: 1, max: 100, meaning: 'multiplier of incoming traffic' },
};

export class FaultSpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`fault.${field}: ${message}`);
    this.name = 'FaultSpecError';
  }
}

function isFaultType(t: unknown): t is FaultType {
  return typeof t === 'string' && (FAULT_TYPES as readonly string[]).includes(t);
}

/** Checks an untrusted fault request (e.g. a JSON body); throws FaultSpecError naming the bad field. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultSpecError('(body)', 'expected a JSON object {type, service, durationSeconds, magnitude?}');
  }
  const o = input as Record<string, unknown>;
  if (!isFaultType(o.type)) throw new FaultSpecError('type', `must be one of ${FAULT_TYPES.join(', ')}; got ${JSON.stringify(o.type)}`);
  if (!isService(o.service)) throw new FaultSpecError('service', `must be one of ${SERVICES.join(', ')}; got ${JSON.stringify(o.service)}`);
  if (o.type === 'disk_fill' && PROFILES[o.service].diskCapacityBytes === undefined) {
    throw new FaultSpecError('service', `disk_fill needs a service with a disk (db, queue); got ${o.service}`);
  }
  const d = o.durationSeconds;
  if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0 || d > 7 * 86400) {
    throw new FaultSpecError('durationSeconds', `must be a number of seconds in (0, 604800]; got ${JSON.stringify(d)}`);
  }
  const spec: FaultSpec = { type: o.type, service: o.service, durationSeconds: d };
  if (o.magnitude !== undefined) {
    const m = o.magnitude;
    const r = FAULT_MAGNITUDE[o.type];
    if (typeof m !== 'number' || !Number.isFinite(m) || m < r.min || m > r.max) {
      throw new FaultSpecError('magnitude', `for ${o.type} (${r.meaning}) must be a number in [${r.min}, ${r.max}]; got ${JSON.stringify(m)}`);
    }
    spec.magnitude = m;
  }
  return spec;
}
