// SLOs: the list, a detail view (burn-down and burn-rate windows) and the create/edit editor.
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

export default function Slos() {
  const { id } = useParams<{ id?: string }>();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  if (id === 'new' || editing) {
    return (
      <PluginPage>
        <SloEditor onDone={() => (setEditing(false), navigate(`${PLUGIN_BASE_URL}/${ROUTES.Slos}`))} />
      </PluginPage>
    );
  }
  return <PluginPage>{id ? <SloDetail id={id} /> : <SloList onNew={() => setEditing(true)} />}</PluginPage>;
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
          <SloPanel data={data} options={{ ...defaultSloOptions, showBurnDown: false }} width={w} height={h} />
        )}
      </Section>
      <Stack wrap="wrap">
        {decodeSloStatus(data.series).map(({ id }) => (
          <Button
            key={id}
            variant="secondary"
            size="sm"
            onClick={() => navigate(`${PLUGIN_BASE_URL}/${ROUTES.Slos}/${encodeURIComponent(id)}`)}
          >
            {id} details
          </Button>
        ))}
      </Stack>
    </div>
  );
}

function SloDetail({ id }: { id: string }) {
  const data = usePanelData([
    { refId: 'A', queryType: 'sloStatus', slo: id },
    { refId: 'B', queryType: 'budgetHistory', slo: id },
    { refId: 'C', queryType: 'burnRates', slo: id },
  ]);
  return (
    <div data-testid="page-slo-detail">
      <Section title={`SLO ${id}`} data={data} height={420}>
        {(w, h) => <SloPanel data={data} options={{ ...defaultSloOptions, slo: id }} width={w} height={h} />}
      </Section>
    </div>
  );
}
