// Finds the stored spec source (file name + YAML text) an SLO came from, so the editor can open it.
// The companion's SLO list (`GET /api/slo`) names each SLO's source file; the text comes from
// `GET /api/slo/sources/:file` (or from a `sources` array in the list answer, if the companion sends one).
import { companion } from './api';

export interface SpecSource {
  file: string;
  text: string;
}

/** Thrown with a message meant for the user (names the SLO / file and what is missing). */
export class SloSourceError extends Error {}

const statusOf = (err: unknown) => (err as { status?: number } | null)?.status;

/** Reads `{file, text}`, `{text}`, `{source: {text}}` or a raw YAML string; undefined when none of those. */
export function textOf(body: unknown): string | undefined {
  if (typeof body === 'string') {
    return body;
  }
  const b = body as { text?: unknown; source?: { text?: unknown } } | null;
  if (typeof b?.text === 'string') {
    return b.text;
  }
  return typeof b?.source?.text === 'string' ? b.source.text : undefined;
}

export async function loadSloSource(id: string): Promise<SpecSource> {
  const list = await companion<{ slos?: Array<{ id: string; file?: string }>; sources?: unknown }>('/api/slo');
  const slo = list?.slos?.find((s) => s.id === id);
  if (!slo) {
    throw new SloSourceError(`The companion manages no SLO with id '${id}'.`);
  }
  if (!slo.file) {
    throw new SloSourceError(`SLO '${id}': the companion did not say which spec file it came from.`);
  }
  const file = slo.file;
  if (Array.isArray(list.sources)) {
    const listed = (list.sources as unknown[]).find((s) => (s as SpecSource | null)?.file === file);
    const text = textOf(listed);
    if (text !== undefined) {
      return { file, text };
    }
  }
  let body: unknown;
  try {
    body = await companion(`/api/slo/sources/${encodeURIComponent(file)}`);
  } catch (err) {
    if (statusOf(err) === 404) {
      throw new SloSourceError(
        `SLO '${id}': the companion does not serve the text of spec file '${file}' ` +
          '(GET /api/slo/sources/:file answered 404). Update the companion to edit stored specs.'
      );
    }
    throw err;
  }
  const text = textOf(body);
  if (text === undefined) {
    throw new SloSourceError(`SLO '${id}': the companion's answer for spec file '${file}' has no 'text'.`);
  }
  return { file, text };
}
