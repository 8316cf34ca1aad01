// Edit an existing SLO: loads the stored spec source it came from, then hands it to the SLO editor
// (same live validation and rules preview; Apply replaces that source).
import React, { useEffect, useState } from 'react';
import { Alert, Button, LoadingPlaceholder } from '@grafana/ui';
import { describeFetchError } from './api';
import { SloEditor } from './SloEditor';
import { loadSloSource, SloSourceError, type SpecSource } from './sloSource';

interface Loaded {
  id: string;
  source?: SpecSource;
  error?: string;
}

export function SloSourceEditor({ id, onDone }: { id: string; onDone: () => void }) {
  // Tagged with the id it is for: an answer for a previous id reads as "still loading".
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    let live = true; // ignore a late answer after the id changed or the page closed
    loadSloSource(id).then(
      (source) => live && setLoaded({ id, source }),
      (err) => live && setLoaded({ id, error: err instanceof SloSourceError ? err.message : describeFetchError(err) })
    );
    return () => {
      live = false;
    };
  }, [id]);
  const state: Partial<Loaded> = loaded?.id === id ? loaded : {};

  if (state.error) {
    return (
      <div data-testid="page-slo-editor-error">
        <Alert severity="error" title={`Cannot open SLO '${id}' for editing`}>
          {state.error}
        </Alert>
        <Button variant="secondary" onClick={onDone}>
          Back
        </Button>
      </div>
    );
  }
  if (!state.source) {
    return <LoadingPlaceholder text={`Loading the spec of SLO '${id}'…`} />;
  }
  // keyed by file: a different source starts a fresh editor
  return <SloEditor key={state.source.file} file={state.source.file} initial={state.source.text} onDone={onDone} />;
}
