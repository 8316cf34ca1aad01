// examples/companion.yaml documents the companion's configuration: it loads, every key in it exists in the
// zod schemas (the top-level one and each feature's), each feature section shows its keys (not `{}`),
// and the values it shows are the defaults (parsing the section gives what parsing nothing gives).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { configSchema } from '../../src/config/schema.js';
import { loadConfig } from '../../src/config/index.js';
import { sloSection } from '../../src/api/slo.js';
import { modelsConfigSchema, parseModelsConfig } from '../../src/live/config.js';
import { healthConfigSchema, parseHealthConfig } from '../../src/health/config.js';
import { alertingConfigSchema, parseAlertingConfig } from '../../src/alerting/config.js';
import { parseRcaConfig, rcaConfigSchema } from '../../src/rca/config.js';
import { repoRoot } from '../../src/paths.js';

const FILE = join(repoRoot(), 'examples', 'companion.yaml');
const text = readFileSync(FILE, 'utf8');
const doc = parse(text) as Record<string, unknown>;

const FEATURES: Record<string, { schema: z.ZodTypeAny; parse: (raw: unknown) => unknown }> = {
  slo: { schema: sloSection, parse: (r) => sloSection.parse(r) },
  models: { schema: modelsConfigSchema, parse: parseModelsConfig },
  health: { schema: healthConfigSchema, parse: parseHealthConfig },
  alerting: { schema: alertingConfigSchema, parse: parseAlertingConfig },
  rca: { schema: rcaConfigSchema, parse: parseRcaConfig },
};

/** The schemas a value at this point may match, wrappers (default, optional, effects) removed. */
function unwrap(s: z.ZodTypeAny): z.ZodTypeAny[] {
  if (s instanceof z.ZodDefault) return unwrap(s._def.innerType as z.ZodTypeAny);
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) return unwrap(s.unwrap() as z.ZodTypeAny);
  if (s instanceof z.ZodEffects) return unwrap(s.innerType() as z.ZodTypeAny);
  if (s instanceof z.ZodUnion || s instanceof z.ZodDiscriminatedUnion) return (s.options as z.ZodTypeAny[]).flatMap(unwrap);
  return [s];
}

/** Paths in `value` that no schema admits. */
function unknownKeys(value: unknown, schema: z.ZodTypeAny, path: string): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const options = unwrap(schema);
  if (options.some((o) => o instanceof z.ZodUnknown || o instanceof z.ZodAny)) return []; // a feature section: checked by its own schema
  if (Array.isArray(value)) {
    const arr = options.find((o): o is z.ZodArray<z.ZodTypeAny> => o instanceof z.ZodArray);
    return arr ? value.flatMap((v, i) => unknownKeys(v, arr.element, `${path}[${i}]`)) : [path];
  }
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const here = `${path}.${k}`;
    const fits = options.flatMap((o) => (o instanceof z.ZodObject ? [o.shape[k] as z.ZodTypeAny | undefined] : o instanceof z.ZodRecord ? [o.valueSchema as z.ZodTypeAny] : [])).filter((x): x is z.ZodTypeAny => !!x);
    if (!fits.length) out.push(here);
    else if (fits.every((f) => unknownKeys(v, f, here).length)) out.push(...unknownKeys(v, fits[0]!, here));
  }
  return out;
}

test('examples/companion.yaml loads as a companion config', () => {
  const c = loadConfig(FILE, {});
  assert.equal(c.server.port, 8787);
  assert.deepEqual(unknownKeys(doc, configSchema, 'companion'), []);
});

for (const [name, f] of Object.entries(FEATURES)) {
  test(`examples/companion.yaml documents ${name}: keys exist, every key shown, values are the defaults`, () => {
    const section = doc[name] as Record<string, unknown>;
    assert.ok(section && Object.keys(section).length > 0, `${name}: is not {}`);
    assert.deepEqual(unknownKeys(section, f.schema, name), [], `${name}: keys the schema does not know`);
    const shape = unwrap(f.schema).find((o): o is z.AnyZodObject => o instanceof z.ZodObject)!.shape as Record<string, unknown>;
    const block = text.slice(text.indexOf(`\n${name}:`), text.indexOf('\n\n', text.indexOf(`\n${name}:`) + 1) >>> 0 || undefined);
    const missing = Object.keys(shape).filter((k) => !new RegExp(`(^|[\\s{,#])${k}:`, 'm').test(block));
    assert.deepEqual(missing, [], `${name}: keys not documented (shown or in a comment)`);
    assert.deepEqual(f.parse(section), f.parse({}), `${name}: the values shown are the defaults`);
  });
}

test('the unknown-key walk can fail: a misspelt key is named with its path', () => {
  assert.deepEqual(unknownKeys({ health: { intervalSecs: 1 } }.health, healthConfigSchema, 'health'), ['health.intervalSecs']);
  assert.deepEqual(unknownKeys({ tiers: { critical: { groupwait: '1s' } } }, alertingConfigSchema, 'alerting'), ['alerting.tiers.critical.groupwait']);
});
