// The demo workload's HTTP face: GET /metrics (the simulator advanced to now), the fault API and
// /healthz. The simulator runs on the wall clock, so counters rise in real time between scrapes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSimulator, type Simulator } from './simulator.js';
import { renderExposition } from './exposition.js';
import { FaultSpecError, parseFaultSpec } from './faults.js';

export interface WorkloadServerOptions {
  port?: number;
  host?: string;
  timeScale?: number;
  seed?: number;
}

export interface WorkloadServer {
  url: string;
  port: number;
  simulator: Simulator;
  stop(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new FaultSpecError('(body)', `larger than ${MAX_BODY} bytes`);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FaultSpecError('(body)', 'is not valid JSON');
  }
}

export async function startWorkloadServer(o: WorkloadServerOptions = {}): Promise<WorkloadServer> {
  const sim = createSimulator({ seed: o.seed ?? 1, timeScale: o.timeScale ?? 1, startMs: Date.now() });
  // Never step the simulator backwards if the wall clock does.
  const now = (): number => Math.max(Date.now(), sim.now());

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    const m = req.method ?? 'GET';
    if (m === 'GET' && path === '/metrics') {
      sim.advance(now());
      const text = renderExposition(sim.metrics());
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (m === 'GET' && path === '/healthz') return send(res, 200, { status: 'ok' });
    if (path === '/faults' && m === 'GET') return send(res, 200, sim.faults().map(publicFault));
    if (path === '/faults' && m === 'POST') {
      let spec;
      try {
        spec = parseFaultSpec(await readJson(req));
      } catch (err) {
        if (err instanceof FaultSpecError) return send(res, 400, { error: err.message, field: err.field });
        throw err;
      }
      sim.advance(now());
      const id = sim.inject({ ...spec, startMs: sim.now() });
      const f = sim.faults().find((x) => x.id === id);
      return send(res, 201, f ? publicFault(f) : { id });
    }
    const del = /^\/faults\/([^/]+)$/.exec(path);
    if (del && m === 'DELETE') {
      const id = decodeURIComponent(del[1]);
      if (!sim.faults().some((f) => f.id === id)) return send(res, 404, { error: `no fault with id ${JSON.stringify(id)}`, field: 'id' });
      sim.advance(now());
      sim.end(id, sim.now());
      const f = sim.faults().find((x) => x.id === id);
      return send(res, 200, f ? publicFault(f) : { id });
    }
    if (['/metrics', '/healthz', '/faults'].includes(path) || del) {
      return send(res, 405, { error: `method ${m} not allowed on ${path}` });
    }
    send(res, 404, { error: `no route ${m} ${path}; try GET /metrics, GET|POST /faults, DELETE /faults/:id, GET /healthz` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `demo workload: port ${o.port} on ${host} is already in use` : `demo workload: cannot listen: ${err.message}`)),
    );
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    simulator: sim,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The ground-truth record as the API shows it (ISO times). */
function publicFault(f: ReturnType<Simulator['faults']>[number]): { id: string; type: string; service: string; magnitude: number; start: string; end: string } {
  return { id: f.id, type: f.type, service: f.service, magnitude: f.magnitude, start: f.start, end: f.end };
}
