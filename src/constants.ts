import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;
/** Grafana's proxy for the app's `companion` route: the server adds the token (see plugin.json routes). */
export const COMPANION_PROXY = `/api/plugin-proxy/${pluginJson.id}/companion`;

export enum ROUTES {
  Overview = 'overview',
  Slos = 'slos',
  Capacity = 'capacity',
  Anomalies = 'anomalies',
  Incidents = 'incidents',
  Experiments = 'experiments',
}
