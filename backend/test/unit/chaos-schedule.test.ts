// Scheduled game days: a plan listed in chaos.plans starts when its cron matches the minute, once per
// minute, not while its previous run is still going; an invalid plan file is logged, not started.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { ChaosService } from '../../src/chaos/service.js';
import { parseChaosConfig } from '../../src/chaos/config.js';

const dir = await mkdtemp(join(tmpdir(), 'fs-chaos-sched-'));
const store = openStore(':memory:');
after(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

// An http action against a closed port fails: the run ends as an error quickly, without injecting anything.
const plan = (schedule: string) => `version: foresight/chaos-v1
name: nightly
schedule: "${schedule}"
experiments:
  - name: ping
    target: x
    method:
      - action: { kind: http, url: 'http://127.0.0.1:9/inject', timeoutSeconds: 1 }
        rollback: { kind: http, url: 'http://127.0.0.1:9/heal', timeoutSeconds: 1 }
`;

test('a plan runs when its schedule matches, once per minute, and a broken plan file is only logged', async () => {
  await writeFile(join(dir, 'nightly.yml'), plan('30 3 * * *'));
  await writeFile(join(dir, 'broken.yml'), 'version: foresight/chaos-v1\nname: broken\nexperiments: []\n');
  const errors: string[] = [];
  let now = Date.UTC(2026, 10, 30, 3, 29, 10);
  const log = { warn: () => undefined, info: () => undefined, error: (o: { err: string }) => void errors.push(o.err) } as unknown as import('pino').Logger;
  const svc = new ChaosService({
    store,
    config: parseChaosConfig({ plans: [{ file: join(dir, 'nightly.yml') }, { file: join(dir, 'broken.yml'), schedule: '* * * * *' }] }),
    query: async () => [],
    log,
    now: () => now,
  });
  assert.deepEqual(await svc.schedulerTick(), []); // 03:29: not due
  now += 60_000; // 03:30
  const [id] = await svc.schedulerTick();
  assert.ok(id);
  assert.deepEqual(await svc.schedulerTick(), [], 'once per minute');
  const run = await svc.settled(id!);
  assert.equal(run!.trigger, `schedule ${join(dir, 'nightly.yml')}`);
  assert.equal(run!.outcome, 'error');
  assert.match(run!.experiments[0]!.judgement.summary, /action 0 failed: POST http:\/\/127\.0\.0\.1:9\/inject failed/);
  assert.match(errors.join('\n'), /broken\.yml: experiments: Array must contain at least 1 element/);
  await svc.stop();
});

test('config: unknown keys and bad types are refused naming chaos.<field>', () => {
  assert.throws(() => parseChaosConfig({ allowCommand: true }), /chaos\.: Unrecognized key\(s\) in object: 'allowCommand'/);
  assert.throws(() => parseChaosConfig({ plans: [{ schedule: '* * * * *' }] }), /chaos\.plans\.0\.file: Required/);
  assert.equal(parseChaosConfig(undefined).sloMetrics.idLabel, 'sloth_id');
});
