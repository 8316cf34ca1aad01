// The slice of Alertmanager 0.25's configuration that Foresight generates (snake_case as in alertmanager.yml).
export interface AmRoute {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  routes?: AmRoute[];
  [other: string]: unknown;
}
export interface AmReceiver { name: string; [configs: string]: unknown }
export interface AmInhibitRule { source_matchers?: string[]; target_matchers?: string[]; equal?: string[]; [other: string]: unknown }
export interface AmTimeInterval { name: string; time_intervals: Record<string, unknown>[] }

/** What Foresight owns in an alertmanager.yml; `merge.ts` splices it into the user's file. */
export interface AmFragment {
  route: AmRoute;
  receivers: AmReceiver[];
  inhibit_rules: AmInhibitRule[];
  time_intervals: AmTimeInterval[];
}

/** A secret the writer must materialize from an env var into a 0600 file before Alertmanager reads it. */
export interface SecretFile { path: string; env: string }

/** Everything Foresight owns carries this prefix (receivers, time intervals) … */
export const PREFIX = 'foresight-';
/** … and our inhibit rules carry this no-op source matcher (an absent label equals ""), so a merge can find them. */
export const INHIBIT_MARK = 'foresight_managed=""';
export const NULL_RECEIVER = 'foresight-null';
/** The companion's own webhook (incidents, RCA), when `alerting.webhook.url` is set. */
export const COMPANION_RECEIVER = 'foresight-companion';
/** No-op matcher marking routes we add that use one of the user's receivers (found and replaced on merge). */
export const ROUTE_MARK = INHIBIT_MARK;
