// provisioning/alertmanager.yml is exactly what `foresight alerting generate` makes from examples/alerting.yaml,
// and amtool accepts it (a standalone config's root has no matchers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { parseAlertingConfig } from '../../src/alerting/config.js';
import { amtoolCheckConfig } from '../../src/alerting/amtool.js';
import { standaloneText } from '../../src/cli/commands/alerting.js';

const root = new URL('../../../', import.meta.url);

test('provisioning/alertmanager.yml is the generated config of examples/alerting.yaml', async () => {
  const policy = parseAlertingConfig(YAML.parse(await readFile(new URL('examples/alerting.yaml', root), 'utf8')));
  const want = standaloneText(policy);
  const got = await readFile(new URL('provisioning/alertmanager.yml', root), 'utf8');
  assert.equal(got, want, 'regenerate: npx tsx backend/src/cli/main.ts alerting generate --config examples/alerting.yaml > provisioning/alertmanager.yml');
  const doc = YAML.parse(got) as { route: { receiver: string; matchers?: unknown }; receivers: { name: string; webhook_configs?: { url: string; http_config?: { authorization?: { credentials_file?: string } } }[] }[] };
  assert.equal(doc.route.matchers, undefined);
  const companion = doc.receivers.find((r) => r.name === 'foresight-companion')!;
  assert.equal(companion.webhook_configs?.[0]?.http_config?.authorization?.credentials_file, '/run/secrets/foresight_webhook');
  assert.equal(doc.route.receiver, 'foresight-companion');
});

test('the provisioned config passes amtool check-config', async () => {
  const r = await amtoolCheckConfig(new URL('provisioning/alertmanager.yml', root).pathname);
  assert.ok(r.ok, r.output);
});
