#!/usr/bin/env node
// `npm run demo`: installs what is missing, builds, then runs the whole local stack on loopback —
// demo workload, companion, Alertmanager, Prometheus (loading rules/) — printing readiness and
// URLs, until Ctrl-C/SIGTERM stops everything cleanly (exit 0).
// Flags: --no-install --no-build --no-companion --time-scale N --dir DIR --ports-free
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const APT = 'apt-get install -y prometheus prometheus-alertmanager';
const say = (line) => process.stdout.write(`${line}\n`);
const fail = (line) => {
  process.stderr.write(`demo: ${line}\n`);
  process.exit(1);
};

let opts;
try {
  opts = parseArgs({
    options: {
      'no-install': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      'no-companion': { type: 'boolean', default: false },
      'ports-free': { type: 'boolean', default: false },
      'time-scale': { type: 'string', default: '1' },
      dir: { type: 'string', default: join(root, '.foresight-demo') },
      seed: { type: 'string', default: '1' },
      'game-day': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }).values;
} catch (err) {
  fail(`${err.message} (try --help)`);
}
if (opts.help) {
  say('usage: npm run demo -- [--no-install] [--no-build] [--no-companion] [--time-scale N] [--dir DIR] [--ports-free] [--seed N] [--game-day]');
  process.exit(0);
}
const timeScale = Number(opts['time-scale']);
if (!(timeScale > 0)) fail(`--time-scale must be a number > 0; got ${JSON.stringify(opts['time-scale'])}`);
const seed = Number(opts.seed);
if (!Number.isFinite(seed)) fail(`--seed must be a number; got ${JSON.stringify(opts.seed)}`);

// 1. Node version.
const major = Number(process.versions.node.split('.')[0]);
if (major < 20) fail(`Node ${process.versions.node} is too old; Foresight needs Node >= 20`);

const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status === 0;
const onPath = (name) =>
  (process.env.PATH ?? '').split(delimiter).some((d) => {
    try {
      accessSync(join(d, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

// 2. npm packages.
if (!existsSync(join(root, 'node_modules'))) {
  if (opts['no-install']) fail('node_modules is missing; run: npm ci');
  say('installing npm packages (npm ci)…');
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) fail('npm ci failed (see above)');
}

// 3. Prometheus and Alertmanager binaries.
const haveBinaries = () => onPath('prometheus') && (onPath('prometheus-alertmanager') || onPath('alertmanager'));
if (!haveBinaries()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || opts['no-install']) fail(`prometheus and prometheus-alertmanager are needed; run: sudo ${APT}`);
  say(`installing prometheus and alertmanager (apt-get)…`);
  if (!run('apt-get', ['update']) || !run('apt-get', ['install', '-y', 'prometheus', 'prometheus-alertmanager'])) fail(`apt failed; run: ${APT}`);
  if (!haveBinaries()) fail(`prometheus binaries still missing after apt; run: ${APT}`);
}

// 4. Build.
if (!opts['no-build']) {
  say('building (npm run build)…');
  if (!run('npm', ['run', 'build'])) fail('the build failed (see above); fix it or run with --no-build');
}

// 5. The stack, through tsx so it runs from source.
const { register } = await import('tsx/esm/api');
register();
const { startDemoStack } = await import(pathToFileURL(join(root, 'backend', 'src', 'stack', 'index.ts')).href);
const { spawnSupervised, waitReady } = await import(pathToFileURL(join(root, 'backend', 'src', 'stack', 'children.ts')).href);

const companionAvailable = existsSync(join(root, 'backend', 'dist', 'cli.mjs')) || existsSync(join(root, 'backend', 'src', 'cli', 'commands', 'companion.ts'));
let withCompanion = !opts['no-companion'];
if (withCompanion && !companionAvailable) {
  say('note: the companion is not built into this checkout yet; starting without it');
  withCompanion = false;
}

const free = opts['ports-free'];
const ports = free ? {} : { prometheus: 9090, alertmanager: 9093, companion: 8787, workload: 8788 };
const started = Date.now();
let stack;
let host;
let stopping = 0;

async function shutdown(signal) {
  // A terminal or supervisor may deliver the same signal twice at once; only a later one forces.
  if (stopping && Date.now() - stopping < 1500) return;
  if (stopping) {
    process.stderr.write(`demo: ${signal} again, exiting now\n`);
    process.exit(130); // the stack's exit hook kills what is left
  }
  stopping = Date.now();
  say(`\n${signal}: stopping the Foresight demo…`);
  try {
    if (host) {
      const state = host.state();
      await host.stop(3000);
      say(`  [${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${'plugin host'.padEnd(12)} ${state === 'running' ? 'stopped' : `was not running (${state})`}`);
    }
    await stack?.stop();
    say('Foresight demo stopped');
    process.exit(0);
  } catch (err) {
    process.stderr.write(`demo: stopping failed: ${err.message}\n`);
    process.exit(1);
  }
}
// Handlers go in before anything starts so a Ctrl-C during start-up also stops cleanly.
let pendingSignal;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stack) void shutdown(sig);
    else pendingSignal = sig;
  });
}

try {
  stack = await startDemoStack({
    dir: resolve(opts.dir),
    rulesDir: join(root, 'rules'),
    timeScale,
    seed,
    withCompanion,
    ports,
    onStatus: (part, state) => say(`  [${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${part.padEnd(12)} ${state}`),
    // A part that dies is restarted with backoff, and the terminal says so.
    onRestart: (part, line) => say(`  [${new Date().toTimeString().slice(0, 8)}] ${part.padEnd(12)} ${line}`),
  });
} catch (err) {
  const [first, ...rest] = String(err?.message ?? err).split('\n');
  process.stderr.write(`demo: ${first}\n${rest.length ? rest.map((l) => `  | ${l}`).join('\n') + '\n' : ''}`);
  process.exit(1);
}
if (pendingSignal) await shutdown(pendingSignal);

const w = stack.workload.url;
say('');
say(`  Prometheus     ${stack.prometheus.url}`);
say(`  Alertmanager   ${stack.alertmanager.url}`);
if (stack.companion) {
  const { DEMO_API_TOKEN } = await import(pathToFileURL(join(root, 'backend', 'src', 'config', 'schema.ts')).href);
  say(`  Companion      ${stack.companion.url}   (API token: ${DEMO_API_TOKEN})`);
  // The example SLOs (one per SLI kind, on the workload's metrics), applied through the companion's API
  // as a user would: rules land in rules/ and Prometheus reloads them.
  const text = readFileSync(join(root, 'examples', 'slo', 'foresight.yml'), 'utf8');
  const res = await fetch(`${stack.companion.url}/api/slo/apply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_API_TOKEN}` },
    body: JSON.stringify({ sources: [{ file: 'examples-foresight.yml', text }] }),
  }).catch((err) => ({ ok: false, status: 0, text: async () => String(err) }));
  say(res.ok ? '  SLOs           examples/slo/foresight.yml applied (rules/foresight-slo-*.yml)' : `  SLOs           applying the examples failed: ${res.status} ${await res.text()}`);
  // The plugin host: the built Grafana panels and pages, without a Grafana server.
  if (existsSync(join(root, 'dist', 'module.js'))) {
    // Its own process, supervised like the others: nothing a request does to it can stop the demo.
    const { freePort } = await import(pathToFileURL(join(root, 'backend', 'src', 'stack', 'ports.ts')).href);
    const hostPort = free ? await freePort() : 3300;
    const hostUrl = `http://127.0.0.1:${hostPort}`;
    const args = [join(root, 'plugin-host', 'serve.mjs'), '--companion', stack.companion.url, '--port', String(hostPort), '--dist', join(root, 'dist'), '--parent-pid', String(process.pid)];
    host = spawnSupervised({
      name: `plugin host (port ${hostPort})`,
      cmd: process.execPath,
      args,
      cwd: root,
      // The token goes through the environment, not the command line (ps shows arguments).
      env: { ...process.env, FORESIGHT_API_TOKEN: DEMO_API_TOKEN },
      logFile: join(resolve(opts.dir), 'logs', 'plugin-host.log'),
    });
    try {
      await waitReady(host, `${hostUrl}/healthz`, 60_000);
      host.keepAlive((line) => say(`  [${new Date().toTimeString().slice(0, 8)}] ${'plugin host'.padEnd(12)} ${line}`), () => waitReady(host, `${hostUrl}/healthz`, 60_000));
      say(`  Plugin host    ${hostUrl}/a/foresight-foresight-app/overview   (dashboards: ${hostUrl}/d/foresight-overview; panels: ?view=panel/slo|health|capacity|rootcause)`);
    } catch (err) {
      say(`  Plugin host    failed to start: ${String(err.message).split('\n')[0]}`);
      host = undefined;
    }
  } else {
    say('  Plugin host    not started: dist/ is not built (run npm run build)');
  }
}
say(`  Demo workload  ${w}/metrics`);
say(`  Fault API      curl -X POST ${w}/faults -H 'content-type: application/json' -d '{"type":"error_burst","service":"payments","durationSeconds":300}'`);
say(`  Ground truth   curl ${w}/faults`);
say(`  State dir      ${resolve(opts.dir)}   rules: ${join(root, 'rules')}`);
say('');
say('Foresight demo is up (Ctrl-C stops it)');
// --game-day: every demo fault injected in turn and judged (examples/chaos/demo-game-day.yml); prints the report.
if (opts['game-day'] && stack.companion) {
  const { runDemoGameDay } = await import(pathToFileURL(join(root, 'backend', 'src', 'demo', 'game-day.ts')).href);
  const { DEMO_API_TOKEN } = await import(pathToFileURL(join(root, 'backend', 'src', 'config', 'schema.ts')).href);
  await runDemoGameDay({ root, rulesDir: join(root, 'rules'), stateDir: resolve(opts.dir), prometheusUrl: stack.prometheus.url, companionUrl: stack.companion.url, workloadUrl: w, token: DEMO_API_TOKEN, say }).catch((err) => say(`  Game day       failed: ${err.message}`));
}
