// Companion URL (jsonData) and API token (secureJsonData: write-only, never sent back to the browser).
import React, { type ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import type { FsOptions, FsSecureOptions } from './types';

type Props = DataSourcePluginOptionsEditorProps<FsOptions, FsSecureOptions>;

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const url = options.jsonData.companionUrl ?? '';
  const urlInvalid = url !== '' && !/^https?:\/\/[^\s]+$/.test(url);
  return (
    <FieldSet label="Foresight companion">
      <Field
        label="Companion URL"
        description="Reached from the Grafana server, e.g. http://companion:8787 in docker-compose"
        invalid={urlInvalid}
        error={urlInvalid ? 'Use an http:// or https:// URL' : undefined}
      >
        <Input
          width={50}
          value={url}
          placeholder="http://companion:8787"
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            onOptionsChange({ ...options, jsonData: { ...options.jsonData, companionUrl: e.target.value.trim() } })
          }
        />
      </Field>
      <Field label="API token" description="Sent by the Grafana server as a bearer token; never reaches the browser">
        <SecretInput
          width={50}
          isConfigured={Boolean(options.secureJsonFields?.apiToken)}
          value={options.secureJsonData?.apiToken ?? ''}
          placeholder="companion API token"
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            onOptionsChange({ ...options, secureJsonData: { apiToken: e.target.value } })
          }
          onReset={() =>
            onOptionsChange({
              ...options,
              secureJsonFields: { ...options.secureJsonFields, apiToken: false },
              secureJsonData: { apiToken: '' },
            })
          }
        />
      </Field>
    </FieldSet>
  );
}
