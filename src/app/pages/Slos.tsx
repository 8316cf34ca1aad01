// SLOs: the list, a detail view (burn-down and burn-rate windows) and the create/edit editor.
import { pageTimeZone } from '../api';
import React, { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import { decodeSloStatus } from '@foresight/contract';
import { Button, Stack } from '@grafana/ui';
import { SloPanel, defaultSloOptions } from '../../panels/slo/SloPanel';
import { PLUGIN_BASE_URL, ROUTES } from '../../constants';
import { Section } from '../Section';
import { usePanelData } from '../usePanelData';
import { SloEditor } from '../SloEditor';
import { SloSourceEditor } from '../SloSourceEditor';

const sloUrl = (id?: string, edit = false) =>
  `${PLUGIN_BASE_URL}/${ROUTES.Slos}${id ? `/${encodeURIComponent(id)}` : ''}${edit ? '/edit' : ''}`;

/** `slos` list, `slos/new` create, `slos/:id` detail, `slos/:id/edit` edit the stored spec the SLO came from. */
export default function Slos({ edit = false }: { edit?: boolean }) {
  const { id } = useParams<{ id?: string }>();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  if (id === 'new' || creating) {
    return (
      <PluginPage>
        <SloEditor onDone={() => (setCreating(false), navigate(sloUrl()))} />
      </PluginPage>
    );
  }
  if (id && edit) {
    return (
      <PluginPage>
        <SloSourceEditor id={id} onDone={() => navigate(sloUrl(id))} />
      </PluginPage>
    );
  }
  return <PluginPage>{id ? <SloDetail id={id} /> : <SloList onNew={() => setCreating(true)} />}</PluginPage>;
}

function SloList({ onNew }: { onNew: () => void }) {
  const data = usePanelData([{ refId: 'A', queryType: 'sloStatus' }]);
  const navigate = useNavigate();
  return (
    <div data-testid="page-slos">
      <Stack justifyContent="flex-end">
        <Button icon="plus" onClick={onNew}>
          New SLO
        </Button>
      </Stack>
      <Section
        title="Service level objectives"
        data={data}
        height={300 * Math.max(1, decodeSloStatus(data.series).length)}
      >
        {(w, h) => (
          <SloPanel
            data={data}
            options={{ ...defaultSloOptions, showBurnDown: false }}
            width={w}
            height={h}
            timeZone={pageTimeZone()}
          />
        )}
      </Section>
      <Stack wrap="wrap">
        {decodeSloStatus(data.series).map(({ id }) => (
          <Stack key={id} gap={0.5}>
            <Button variant="secondary" size="sm" onClick={() => navigate(sloUrl(id))}>
              {id} details
            </Button>
            <Button
              variant="secondary"
              size="sm"
              icon="pen"
              aria-label={`Edit ${id}`}
              tooltip={`Edit the spec of ${id}`}
              onClick={() => navigate(sloUrl(id, true))}
            />
          </Stack>
        ))}
      </Stack>
    </div>
  );
}

function SloDetail({ id }: { id: string }) {
  const navigate = useNavigate();
  const data = usePanelData([
    { refId: 'A', queryType: 'sloStatus', slo: id },
    { refId: 'B', queryType: 'budgetHistory', slo: id },
    { refId: 'C', queryType: 'burnRates', slo: id },
  ]);
  return (
    <div data-testid="page-slo-detail">
      <Stack justifyContent="flex-end">
        <Button icon="pen" variant="secondary" onClick={() => navigate(sloUrl(id, true))}>
          Edit spec
        </Button>
      </Stack>
      <Section title={`SLO ${id}`} data={data} height={420}>
        {(w, h) => (
          <SloPanel
            data={data}
            options={{ ...defaultSloOptions, slo: id }}
            width={w}
            height={h}
            timeZone={pageTimeZone()}
          />
        )}
      </Section>
    </div>
  );
}
