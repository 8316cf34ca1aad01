// `foresight alerting generate|check|test|apply` exit codes and output, and the optional Mimir push
// (a loopback HTTP server stands in for Mimir's Alertmanager config API and records the request).
import { test, after } from 'node:test';
import { execFile } from 'node:child_process';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import YAML from 'yaml';
import { parseAlertingConfig } from '../../src/alerting/config.js';
import { generateAlertmanager } from '../../src/alerting/routes/generate.js';
import { applyAlertmanagerConfig } from '../../src/alerting/writer.js';

const example = new URL('../../../examples/alerting.yaml', import.meta.url).pathname;

/** Runs the command in a child process (the test runner reports through this process' stdout). */
const runner = join(await mkdtemp(join(tmpdir(), 'fs-cli-run-')), 'run.mts');
await writeFile(runner, `import { run } from ${JSON.stringify(new URL('../../src/cli/commands/alerting.ts', import.meta.url).pathname)};\nprocess.exitCode = await run(process.argv.slice(2));\n`);
after(() => rm(dirname(runner), { recursive: true, force: true }));
function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((ok, fail) => {
    execFile(process.execPath, ['--import', 'tsx', runner, ...argv], { cwd: import.meta.dirname }, (e, out, err) => {
      const code = e ? (typeof e.code === 'number' ? e.code : -1) : 0;
      if (code === -1) fail(e);
      else ok({ code, out, err });
    });
  });
}

test('test: prints the receiver; --expect mismatch exits 1', async () => {
  // A Foresight alert (foresight_source) reaches the companion's webhook and the team's pager.
  const ok = await capture(['test', '--config', example, '--expect', 'foresight-companion,foresight-critical-team-payments', 'foresight_source=slo', 'severity=critical', 'service=payments']);
  assert.equal(ok.code, 0, ok.err);
  assert.equal(ok.out.trim(), 'foresight-companion,foresight-critical-team-payments');
  const bad = await capture(['test', '--config', example, '--expect', 'foresight-high', 'foresight_source=slo', 'severity=critical', 'service=payments']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /expected receiver 'foresight-high', got 'foresight-companion,foresight-critical-team-payments'/);
  // Anyone else's alert never enters Foresight's routes: the standalone root (the companion) takes it.
  const theirs = await capture(['test', '--config', example, 'severity=critical', 'service=payments']);
  assert.equal(theirs.out.trim(), 'foresight-companion');
});

test('check passes on the example; generate prints YAML; bad policy exits 1 naming the field', async (t) => {
  const c = await capture(['check', '--config', example]);
  assert.equal(c.code, 0, c.out + c.err);
  assert.match(c.out, /SUCCESS/);
  const g = await capture(['generate', '--config', example]);
  assert.equal(g.code, 0);
  assert.ok((YAML.parse(g.out) as { receivers: { name: string }[] }).receivers.some((r) => r.name === 'foresight-high'));
  const dir = await mkdtemp(join(tmpdir(), 'fs-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const p = YAML.parse(await readFile(example, 'utf8')) as { tiers: { high: { receivers: string[] } } };
  p.tiers.high.receivers = ['ghost'];
  await writeFile(join(dir, 'bad.yaml'), YAML.stringify({ alerting: p }));
  const b = await capture(['check', '--config', join(dir, 'bad.yaml')]);
  assert.equal(b.code, 1);
  assert.match(b.err, /alerting\.tiers\.high\.receivers\[0\]: unknown receiver 'ghost'/);
  assert.equal((await capture(['frobnicate', '--config', example])).code, 2);
  assert.equal((await capture(['check'])).code, 2);
});

test('apply pushes the merged config to a Mimir Alertmanager with the tenant header', async (t) => {
  const seen: { url?: string; tenant?: string; body: string }[] = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ url: req.url, tenant: req.headers['x-scope-orgid'] as string | undefined, body });
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  t.after(() => new Promise<void>((ok) => srv.close(() => ok())));
  const dir = await mkdtemp(join(tmpdir(), 'fs-mimir-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'alertmanager.yml');
  await writeFile(file, 'route:\n  receiver: mine\nreceivers:\n  - name: mine\n');
  const g = generateAlertmanager(parseAlertingConfig({ receivers: [{ name: 'h', type: 'webhook', url: 'http://127.0.0.1:9/' }], tiers: { high: { receivers: ['h'] } } }));
  const r = await applyAlertmanagerConfig({ configFile: file, generated: g, mimir: { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, tenant: 'team-a' } });
  assert.equal(r.pushedToMimir, true);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.url, '/api/v1/alerts');
  assert.equal(seen[0]!.tenant, 'team-a');
  const pushed = YAML.parse(seen[0]!.body) as { alertmanager_config: string };
  assert.equal(pushed.alertmanager_config, await readFile(file, 'utf8'));
});
