// Runs one method action or rollback: an HTTP call (the demo workload's /faults API is one kind), a
// program on the companion host (no shell), or a Chaos Toolkit http/process provider. Returns what
// happened; throws nothing for a failed call (the runner records and decides).
import { execFile } from 'node:child_process';
import type { Action } from './spec.js';

export interface ActionOutcome {
  ok: boolean;
  /** one line for the audit trail */
  detail: string;
  /** a demo fault's id, kept for its demo-fault-end rollback */
  faultId?: string;
}

export interface ActionContext {
  /** faults started by this experiment's demo-fault actions, by step index */
  faultOf?: { url: string; id: string };
  allowCommands: boolean;
}

async function call(url: string, method: string, headers: Record<string, string>, body: unknown, timeoutSeconds: number, expect?: number[]): Promise<ActionOutcome & { json?: unknown }> {
  try {
    const res = await fetch(url, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    const text = await res.text();
    const ok = expect ? expect.includes(res.status) : res.ok;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { ok, detail: `${method} ${url} → HTTP ${res.status}${ok ? '' : `: ${text.slice(0, 200)}`}`, json };
  } catch (e) {
    return { ok: false, detail: `${method} ${url} failed: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}` };
  }
}

function run(command: string, args: string[], timeoutSeconds: number): Promise<ActionOutcome> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutSeconds * 1000, maxBuffer: 256 * 1024 }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr}`.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
      if (err) resolve({ ok: false, detail: `${command} ${JSON.stringify(args)} failed: ${err.killed ? `killed after ${timeoutSeconds} s` : err.message.split('\n')[0]}${out ? ` (${out})` : ''}` });
      else resolve({ ok: true, detail: `${command} ${JSON.stringify(args)} exited 0${out ? `: ${out}` : ''}` });
    });
  });
}

export async function runAction(a: Action, c: ActionContext): Promise<ActionOutcome> {
  switch (a.kind) {
    case 'demo-fault': {
      const body = { type: a.type, service: a.service, durationSeconds: a.durationSeconds, ...(a.magnitude !== undefined ? { magnitude: a.magnitude } : {}) };
      const r = await call(`${a.url.replace(/\/+$/, '')}/faults`, 'POST', {}, body, 10, [201]);
      const id = (r.json as { id?: unknown } | undefined)?.id;
      return { ok: r.ok && typeof id === 'string', detail: `${a.type} on ${a.service}: ${r.detail}${typeof id === 'string' ? ` (fault ${id})` : ''}`, ...(typeof id === 'string' ? { faultId: id } : {}) };
    }
    case 'demo-fault-end': {
      if (!c.faultOf) return { ok: true, detail: 'no fault was started; nothing to end' };
      const r = await call(`${c.faultOf.url.replace(/\/+$/, '')}/faults/${encodeURIComponent(c.faultOf.id)}`, 'DELETE', {}, undefined, 10, [200]);
      return { ok: r.ok, detail: `end fault ${c.faultOf.id}: ${r.detail}` };
    }
    case 'http':
      return call(a.url, a.method, a.headers, a.body, a.timeoutSeconds, a.expectStatus);
    case 'command':
      if (!c.allowCommands) return { ok: false, detail: `command ${a.command} refused: the companion's chaos.allowCommands is false` };
      return run(a.command, a.args, a.timeoutSeconds);
    case 'chaostoolkit': {
      const p = a.provider as Record<string, unknown>;
      const timeout = typeof p.timeout === 'number' ? p.timeout : 30;
      if (p.type === 'http') {
        const headers = (typeof p.headers === 'object' && p.headers !== null ? p.headers : {}) as Record<string, string>;
        const expect = typeof p.expected_status === 'number' ? [p.expected_status] : undefined;
        return call(String(p.url), String(p.method ?? 'GET').toUpperCase(), headers, p.arguments, timeout, expect);
      }
      if (p.type === 'process') {
        if (!c.allowCommands) return { ok: false, detail: `process ${String(p.path)} refused: the companion's chaos.allowCommands is false` };
        const args = Array.isArray(p.arguments) ? p.arguments.map(String) : typeof p.arguments === 'string' ? p.arguments.split(/\s+/).filter(Boolean) : [];
        return run(String(p.path), args, timeout);
      }
      return { ok: false, detail: `chaostoolkit provider type ${JSON.stringify(p.type)} cannot run here` };
    }
  }
}

/** True once the demo workload's ground truth shows the fault ended (its end is not in the future). */
export async function demoFaultEnded(url: string, id: string, nowMs: number): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/faults`, { signal: AbortSignal.timeout(5000) });
    const list = (await res.json()) as { id: string; end: string }[];
    const f = list.find((x) => x.id === id);
    return f !== undefined && Date.parse(f.end) <= nowMs + 1000;
  } catch {
    return false;
  }
}
