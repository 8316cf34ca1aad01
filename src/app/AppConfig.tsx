// Configuration page: the companion URL (jsonData) and API token (secureJsonData, write-only).
import React, { useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import { companion, describeFetchError } from './api';

export interface AppSettings {
  companionUrl?: string;
}
export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

export default function AppConfig({ plugin }: AppConfigProps) {
  const { jsonData, secureJsonFields } = plugin.meta;
  const [enabled, setEnabled] = useState(Boolean(plugin.meta.enabled));
  const [url, setUrl] = useState(jsonData?.companionUrl ?? '');
  const [token, setToken] = useState('');
  const [tokenSet, setTokenSet] = useState(Boolean(secureJsonFields?.apiToken));
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const urlInvalid = url !== '' && !/^https?:\/\/\S+$/.test(url);

  // Saving enables (and pins) the app, as Grafana's own app configuration does; a new token replaces the
  // stored one and then reads as configured (Grafana never sends it back).
  const save = async (enable: boolean) => {
    try {
      await lastValueFrom(
        getBackendSrv().fetch({
          url: `/api/plugins/${plugin.meta.id}/settings`,
          method: 'POST',
          data: {
            enabled: enable,
            pinned: enable,
            jsonData: { companionUrl: url },
            secureJsonData: tokenSet ? undefined : { apiToken: token },
          },
        })
      );
      setEnabled(enable);
      if (!tokenSet && token) {
        setTokenSet(true);
        setToken('');
      }
      setMsg({ kind: 'success', text: enable ? 'Saved: the app is enabled' : 'Saved: the app is disabled' });
    } catch (err) {
      setMsg({ kind: 'error', text: `Saving failed: ${describeFetchError(err)}` });
    }
  };
  const test = async () => {
    try {
      const info = await companion<{ name?: string; version?: string }>('/api/info');
      setMsg({ kind: 'success', text: `Connected to ${info.name ?? 'companion'} ${info.version ?? ''}` });
    } catch (err) {
      setMsg({ kind: 'error', text: `Cannot reach the companion: ${describeFetchError(err)}` });
    }
  };

  return (
    <FieldSet label="Foresight companion" data-testid="page-config">
      <Field
        label="Companion URL"
        description="Reached from the Grafana server, e.g. http://companion:8787"
        invalid={urlInvalid}
        error={urlInvalid ? 'Use an http:// or https:// URL' : undefined}
      >
        <Input
          width={60}
          value={url}
          placeholder="http://companion:8787"
          onChange={(e) => setUrl(e.currentTarget.value.trim())}
        />
      </Field>
      <Field label="API token" description="Stored in secureJsonData: the Grafana server adds it to proxied requests">
        <SecretInput
          width={60}
          isConfigured={tokenSet}
          value={token}
          placeholder="companion API token"
          onChange={(e) => setToken(e.currentTarget.value)}
          onReset={() => (setToken(''), setTokenSet(false))}
        />
      </Field>
      <Stack>
        <Button onClick={() => save(true)} disabled={!url || urlInvalid || (!tokenSet && !token)}>
          {enabled ? 'Save' : 'Save and enable'}
        </Button>
        {enabled && (
          <Button variant="destructive" fill="outline" onClick={() => save(false)}>
            Disable
          </Button>
        )}
        <Button variant="secondary" onClick={test}>
          Test connection
        </Button>
      </Stack>
      {msg && <Alert severity={msg.kind} title={msg.text} />}
    </FieldSet>
  );
}
