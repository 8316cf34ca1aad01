#!/usr/bin/env node
// The companion container's entrypoint (docker-compose.yml): runs `foresight companion` and, once it
// answers /healthz, applies the example SLO specs through its own API (POST /api/slo/apply), so the SLO
// panels have data from the start. The companion's exit code is the container's; SIGTERM/SIGINT are
// passed on. Usage: compose-entrypoint.mjs [--config FILE] [--apply-slos FILE[,FILE…]]
// Reads FORESIGHT_PORT and FORESIGHT_API_TOKEN (the same variables the companion reads).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { config: { type: 'string' }, 'apply-slos': { type: 'string' } } });
const here = dirname(fileURLToPath(import.meta.url));
const child = spawn(process.execPath, [join(here, 'foresight.mjs'), 'companion', ...(values.config ? ['--config', values.config] : [])], { stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));

const log = (msg) => process.stderr.write(`${JSON.stringify({ level: 30, time: Date.now(), component: 'entrypoint', msg })}\n`);
const base = `http://127.0.0.1:${process.env.FORESIGHT_PORT ?? '8787'}`;
const token = process.env.FORESIGHT_API_TOKEN;

async function ready(deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

const files = (values['apply-slos'] ?? '').split(',').map((f) => f.trim()).filter(Boolean);
if (files.length) {
  if (!(await ready(120_000))) log('companion not ready after 120 s: example SLOs not applied');
  else {
    for (const f of files) {
      try {
        const res = await fetch(`${base}/api/slo/apply?file=${encodeURIComponent(basename(f))}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/yaml', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          body: await readFile(f, 'utf8'),
        });
        log(`apply ${f}: HTTP ${res.status}${res.ok ? '' : ` ${(await res.text()).slice(0, 300)}`}`);
      } catch (e) {
        log(`apply ${f} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
