// Turns zod issues into the one-line messages the companion prints at start-up:
// `config /x/foresight.yaml: prometheus.url: must be an http(s) URL`.
import type { ZodError, ZodIssue } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function path(p: (string | number)[]): string {
  return p.length === 0 ? '(top level)' : p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function describe(issue: ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  if (issue.code === 'invalid_type') {
    if (issue.received === 'undefined') return 'is required';
    // Keep custom messages (e.g. "must be an http(s) URL"); otherwise say what was expected.
    return issue.message && issue.message !== 'Required' && !issue.message.startsWith('Expected ') ? issue.message : `expected ${issue.expected}, got ${issue.received}`;
  }
  if (issue.code === 'invalid_enum_value') return `must be one of ${issue.options.join(', ')} (got '${String(issue.received)}')`;
  return issue.message;
}

/** The first issue as `key.path: why` (plus which env variable set it, when one did). */
export function describeConfigIssue(err: ZodError, envByPath: Map<string, string>): string {
  const issue = err.issues[0]!;
  // An unknown key is named by its own path (prometheus.urll), not its parent's.
  const key = path(issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path);
  const env = envByPath.get(key);
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more problem${err.issues.length > 2 ? 's' : ''})` : '';
  return `${key}: ${describe(issue)}${env ? ` (from env ${env})` : ''}${more}`;
}
