// Policy receivers → Alertmanager receiver configs. Secrets are only ever referenced by path (`*_file`
// fields); env-sourced secrets get a path under secretsDir that the writer fills, so no secret value is
// ever part of the generated YAML or a log line.
import { join, resolve } from 'node:path';
import type { ReceiverDef, SecretRef } from '../config.js';
import type { AmReceiver, SecretFile } from './types.js';

export class SecretPaths {
  readonly files: SecretFile[] = [];
  constructor(private readonly dir: string) {}
  /** Absolute path for a secret; env refs are recorded for the writer to materialize. */
  path(ref: SecretRef, owner: string, field: string): string {
    if ('file' in ref) return resolve(ref.file);
    const path = resolve(join(this.dir, `${owner}-${field}`));
    if (!this.files.some((f) => f.path === path)) this.files.push({ path, env: ref.env });
    return path;
  }
}

/** One Alertmanager receiver that notifies every policy receiver in `defs` (e.g. high → chat + email). */
export function combinedReceiver(name: string, defs: ReceiverDef[], secrets: SecretPaths): AmReceiver {
  const out: AmReceiver = { name };
  const push = (key: string, cfg: Record<string, unknown>): void => {
    const list = (out[key] as Record<string, unknown>[] | undefined) ?? [];
    list.push(cfg);
    out[key] = list;
  };
  for (const d of defs) {
    switch (d.type) {
      case 'slack':
        push('slack_configs', { api_url_file: secrets.path(d.apiUrl, d.name, 'api-url'), channel: d.channel, send_resolved: d.sendResolved });
        break;
      case 'pagerduty':
        push('pagerduty_configs', { routing_key_file: secrets.path(d.routingKey, d.name, 'routing-key'), send_resolved: d.sendResolved });
        break;
      case 'opsgenie':
        push('opsgenie_configs', {
          api_key_file: secrets.path(d.apiKey, d.name, 'api-key'),
          ...(d.apiUrl ? { api_url: d.apiUrl } : {}),
          send_resolved: d.sendResolved,
        });
        break;
      case 'email':
        push('email_configs', {
          to: d.to,
          ...(d.from ? { from: d.from } : {}),
          ...(d.smarthost ? { smarthost: d.smarthost } : {}),
          ...(d.authUsername ? { auth_username: d.authUsername } : {}),
          ...(d.authPassword ? { auth_password_file: secrets.path(d.authPassword, d.name, 'auth-password') } : {}),
          send_resolved: d.sendResolved,
        });
        break;
      case 'webhook':
        // Alertmanager 0.25 has no `url_file`: the URL is inline, the credential goes through credentials_file.
        push('webhook_configs', {
          url: d.url,
          send_resolved: d.sendResolved,
          ...(d.bearerToken ? { http_config: { authorization: { type: 'Bearer', credentials_file: secrets.path(d.bearerToken, d.name, 'token') } } } : {}),
        });
        break;
    }
  }
  return out;
}
