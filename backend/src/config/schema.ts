// The companion's configuration schema (zod). Defaults run the local demo stack unchanged; the feature
// sections (slo, models, health, alerting, rca) pass through as plain objects that each feature parses.
import { z } from 'zod';
import { limitsSchema } from '../http/limits.js';

/** The documented token the demo defaults use (README); any real deployment sets its own. */
export const DEMO_API_TOKEN = 'foresight-demo-token';

const httpUrl = z
  .string({ invalid_type_error: 'must be an http(s) URL' })
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL')
  // One canonical form: no trailing slash, so `${url}/api/v1/...` never doubles it.
  .transform((s) => s.replace(/\/+$/, ''));

const seconds = (def: number) => z.number({ invalid_type_error: 'must be a number of seconds' }).positive('must be > 0').default(def);
const nonEmpty = z.string().min(1, 'must not be empty');
const featureSection = z.record(z.unknown(), { invalid_type_error: 'must be a mapping (an object)' }).default({});

const basicAuth = z
  .object({ username: nonEmpty, password: z.string().optional(), passwordFile: nonEmpty.optional() })
  .strict()
  .refine((b) => (b.password === undefined) !== (b.passwordFile === undefined), 'set exactly one of password or passwordFile');

export const configSchema = z
  .object({
    server: z
      .object({
        host: nonEmpty.default('127.0.0.1'),
        port: z.number({ invalid_type_error: 'must be a port number' }).int('must be an integer').min(0, 'must be 0..65535').max(65535, 'must be 0..65535').default(8787),
      })
      .strict()
      .default({}),
    prometheus: z
      .object({
        url: httpUrl.default('http://127.0.0.1:9090'),
        timeoutSeconds: seconds(30),
        retries: z.number().int('must be an integer').min(0, 'must be >= 0').max(10, 'must be <= 10').default(2),
        startupTimeoutSeconds: seconds(15),
        bearerToken: nonEmpty.optional(),
        bearerTokenFile: nonEmpty.optional(),
        basicAuth: basicAuth.optional(),
        /** Mimir/Cortex tenant, sent as X-Scope-OrgID. */
        tenant: nonEmpty.optional(),
        headers: z.record(z.string()).default({}),
      })
      .strict()
      .refine((p) => !(p.bearerToken && p.bearerTokenFile), 'set only one of bearerToken or bearerTokenFile')
      .refine((p) => !((p.bearerToken || p.bearerTokenFile) && p.basicAuth), 'set either a bearer token or basicAuth, not both')
      .default({}),
    alertmanager: z
      .object({
        /** null disables Alertmanager (no start-up check, no routes written). */
        url: httpUrl.nullable().default('http://127.0.0.1:9093'),
        configFile: nonEmpty.optional(),
        startupTimeoutSeconds: seconds(15),
        /** Mimir's Alertmanager API settings, read by the alerting feature. */
        mimir: z.record(z.unknown()).optional(),
      })
      .strict()
      .default({}),
    rules: z.object({ dir: nonEmpty.default('./rules') }).strict().default({}),
    store: z.object({ file: nonEmpty.default('./data/foresight.db') }).strict().default({}),
    auth: z
      .object({ token: nonEmpty.optional(), tokenFile: nonEmpty.optional(), disabled: z.boolean().default(false) })
      .strict()
      .refine((a) => !(a.token && a.tokenFile), 'set only one of token or tokenFile')
      .default({}),
    log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional() }).strict().default({}),
    /** budgets for the work one request may cause (http/limits.ts) */
    limits: limitsSchema,
    slo: featureSection,
    models: featureSection,
    health: featureSection,
    alerting: featureSection,
    rca: featureSection,
    chaos: featureSection,
  })
  .strict();

export type RawConfig = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

/** The validated config with secrets resolved (files read) and paths absolute. */
export type Config = Omit<Parsed, 'auth' | 'prometheus'> & {
  /** where it came from: the config file's path, or 'defaults' */
  source: string;
  auth: { disabled: boolean; token?: string };
  prometheus: Omit<Parsed['prometheus'], 'bearerTokenFile' | 'basicAuth'> & { basicAuth?: { username: string; password: string } };
};
