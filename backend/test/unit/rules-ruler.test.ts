// Mimir/Cortex ruler push against a small local server speaking the ruler endpoint, recording every request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { parse } from 'yaml';
import { groupsOfFiles, listRuleGroups, pushRuleGroups, deleteRuleGroup } from '../../src/rules/ruler.js';

interface Seen { method: string; path: string; tenant?: string; auth?: string; type?: string; body: string }
const seen: Seen[] = [];
const store = new Map<string, Map<string, string>>(); // tenant/namespace → group → yaml
let server: Server;
let url = '';

before(async () => {
  const app = express();
  app.use(express.text({ type: '*/*' }));
  const key = (req: express.Request) => `${req.header('x-scope-orgid') ?? 'anonymous'}/${String(req.params.ns)}`;
  app.use((req, _res, next) => {
    seen.push({ method: req.method, path: req.path, tenant: req.header('x-scope-orgid'), auth: req.header('authorization'), type: req.header('content-type'), body: typeof req.body === 'string' ? req.body : '' });
    next();
  });
  app.post('/prometheus/config/v1/rules/:ns', (req, res) => {
    const g = parse(req.body as string) as { name?: string; rules?: unknown[] };
    if (!g?.name || !Array.isArray(g.rules)) return void res.status(400).send('invalid rule group');
    if (!store.has(key(req))) store.set(key(req), new Map());
    store.get(key(req))!.set(g.name, req.body as string);
    res.status(202).send('');
  });
  app.get('/prometheus/config/v1/rules/:ns', (req, res) => {
    const groups = store.get(key(req));
    if (!groups) return void res.status(404).send('no rule groups found');
    res.type('application/yaml').send(`${req.params.ns}:\n${[...groups.values()].map((y) => `  - ${y.trim().split('\n').join('\n    ')}`).join('\n')}\n`);
  });
  app.delete('/prometheus/config/v1/rules/:ns/:group', (req, res) => {
    store.get(key(req))?.delete(String(req.params.group));
    res.status(202).send('');
  });
  server = await new Promise<Server>((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const FILES = {
  'a.yml': 'groups:\n  - name: g1\n    rules:\n      - record: a:b:c\n        expr: vector(1)\n  - name: g2\n    rules:\n      - alert: X\n        expr: vector(1) > 2\n',
};

test('pushes one group per request with tenant header, YAML body and auth', async () => {
  seen.length = 0;
  const r = await pushRuleGroups({ url, namespace: 'foresight-slo', tenant: 'team-a', bearerToken: 't0k' }, FILES);
  assert.deepEqual(r.pushed, ['g1', 'g2']);
  assert.equal(seen.length, 2);
  for (const s of seen) {
    assert.equal(s.method, 'POST');
    assert.equal(s.path, '/prometheus/config/v1/rules/foresight-slo');
    assert.equal(s.tenant, 'team-a');
    assert.equal(s.auth, 'Bearer t0k');
    assert.equal(s.type, 'application/yaml');
  }
  assert.deepEqual(parse(seen[0]!.body), { name: 'g1', rules: [{ record: 'a:b:c', expr: 'vector(1)' }] });
  assert.deepEqual(await listRuleGroups({ url, namespace: 'foresight-slo', tenant: 'team-a' }), ['g1', 'g2']);
  assert.deepEqual(await listRuleGroups({ url, namespace: 'foresight-slo', tenant: 'team-b' }), []);
});

test('delete removes a group', async () => {
  await deleteRuleGroup({ url, namespace: 'foresight-slo', tenant: 'team-a' }, 'g1');
  assert.deepEqual(await listRuleGroups({ url, namespace: 'foresight-slo', tenant: 'team-a' }), ['g2']);
});

test('a rejected group is a clear error naming the group and what was pushed', async () => {
  await assert.rejects(
    pushRuleGroups({ url, namespace: 'ns', basicAuth: { username: 'u', password: 'p' } }, { 'b.yml': 'groups:\n  - name: ok\n    rules: []\n  - name: bad\n    rules: {}\n' }),
    /group 'bad' from b\.yml\): HTTP 400: invalid rule group; pushed before the failure: ok/,
  );
  assert.equal(seen.at(-1)!.auth, `Basic ${Buffer.from('u:p').toString('base64')}`);
});

test('groupsOfFiles rejects unnamed groups', () => {
  assert.throws(() => groupsOfFiles({ 'x.yml': 'groups:\n  - rules: []\n' }), /x\.yml: a group has no name/);
});
