// Starts and stops the companion: store, Prometheus client (waits until Prometheus answers), optional
// Alertmanager check, express server. A failed start undoes what it did and throws one clear Error.
import type { Router } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from './config/schema.js';
import type { AppContext } from './context.js';
import { createApp } from './http/app.js';
import { Gate, currentSignal } from './http/limits.js';
import { observeGate, registry } from './http/metrics.js';
import { logger } from './log.js';
import { PromClient } from './prom/client.js';
import { openStore, type Store } from './store/db.js';

export interface RunningCompanion {
  url: string;
  port: number;
  ctx: AppContext;
  stop(): Promise<void>;
}

export interface StartCompanionOptions {
  /** feature routers mounted under /api/<name>, built from the context once it exists */
  routers?: (ctx: AppContext) => Record<string, Router>;
  /** called after the server has closed, before the store closes (stop background work here) */
  onStop?: (ctx: AppContext) => void | Promise<void>;
}

/** Polls `probe` until it succeeds or `timeoutSeconds` pass; returns the last failure reason on timeout. */
async function waitFor(probe: () => Promise<{ ready: boolean; reason?: string }>, timeoutSeconds: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let reason = 'no answer';
  for (;;) {
    const r = await probe();
    if (r.ready) return undefined;
    reason = r.reason ?? reason;
    if (Date.now() >= deadline) return reason;
    await sleep(Math.min(500, Math.max(0, deadline - Date.now())));
  }
}

async function alertmanagerReadiness(url: string): Promise<{ ready: boolean; reason?: string }> {
  try {
    const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
    await res.text();
    return res.ok ? { ready: true } : { ready: false, reason: `${url}/-/ready answered HTTP ${res.status}` };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    return { ready: false, reason: cause?.code ?? (e as Error).message };
  }
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EADDRNOTAVAIL' ? 'address not available' : e.message;
      reject(new Error(`listen ${host}:${port}: ${why}`));
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
  });
}

function observedGate(g: Gate): Gate {
  observeGate(g);
  return g;
}

export async function startCompanion(config: Config, o: StartCompanionOptions = {}): Promise<RunningCompanion> {
  const log = logger.child({ component: 'companion' });
  if (config.log.level) logger.level = config.log.level;
  const prom = new PromClient({
    url: config.prometheus.url,
    timeoutMs: config.prometheus.timeoutSeconds * 1000,
    retries: config.prometheus.retries,
    headers: config.prometheus.headers,
    ...(config.prometheus.bearerToken ? { bearerToken: config.prometheus.bearerToken } : {}),
    ...(config.prometheus.basicAuth ? { basicAuth: config.prometheus.basicAuth } : {}),
    ...(config.prometheus.tenant ? { tenant: config.prometheus.tenant } : {}),
    // Bounded: at most limits.prometheus.concurrency requests in flight, a bounded queue behind them,
    // and an API request's Prometheus work stops when its client goes away or its deadline passes.
    gate: observedGate(new Gate(config.limits.prometheus.concurrency, config.limits.prometheus.queue)),
    maxSeries: config.limits.seriesPerQuery,
    signal: currentSignal,
  });

  // Check the remote parts before touching anything local, so a failed start leaves nothing behind.
  log.debug({ url: prom.url }, 'waiting for prometheus');
  const promFail = await waitFor(() => prom.readiness(), config.prometheus.startupTimeoutSeconds);
  if (promFail) throw new Error(`prometheus ${config.prometheus.url} not reachable after ${config.prometheus.startupTimeoutSeconds} s: ${promFail}`);
  const amUrl = config.alertmanager.url;
  if (amUrl) {
    const amFail = await waitFor(() => alertmanagerReadiness(amUrl), config.alertmanager.startupTimeoutSeconds);
    if (amFail) throw new Error(`alertmanager ${amUrl} not reachable after ${config.alertmanager.startupTimeoutSeconds} s: ${amFail}`);
  }

  const store: Store = openStore(config.store.file);
  const ctx: AppContext = { config, prom, store, log: logger, registry };
  let server: Server | undefined;
  try {
    const app = createApp(ctx, o.routers?.(ctx) ?? {});
    server = await listen(app, config.server.host, config.server.port);
  } catch (e) {
    await o.onStop?.(ctx);
    store.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
  log.info({ url, prometheus: config.prometheus.url, alertmanager: amUrl, store: config.store.file, auth: config.auth.disabled ? 'disabled' : 'token' }, 'companion listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await closeServer(server);
      await o.onStop?.(ctx);
      store.close();
      log.info('companion stopped');
    })());
  return { url, port, ctx, stop };
}
