// Thin wrappers around the real `promtool` binary: generated rules are only trusted once promtool accepts them.
import { runTool, type ToolResult } from '../tools/run-tool.js';

export type PromtoolResult = ToolResult;

/** Binary path; `FORESIGHT_PROMTOOL` overrides it (e.g. a newer promtool than the distro's). */
export function promtoolPath(): string {
  return process.env.FORESIGHT_PROMTOOL ?? 'promtool';
}

/** Runs promtool with args; resolves with exit status and combined output, rejects only if it cannot start. */
export function runPromtool(args: string[], timeoutMs = 120_000, env?: Record<string, string>): Promise<PromtoolResult> {
  return runTool({ name: 'promtool', bin: promtoolPath(), missingHint: "install prometheus' promtool or set FORESIGHT_PROMTOOL" }, args, timeoutMs, env);
}

/** `promtool check rules FILE…`. An empty list is trivially ok. `env`: extra environment for promtool. */
export async function promtoolCheckRules(files: string[], env?: Record<string, string>): Promise<PromtoolResult> {
  if (files.length === 0) return { ok: true, output: '' };
  return runPromtool(['check', 'rules', ...files], 120_000, env);
}

/** `promtool test rules TEST_FILE…` (unit tests of alerting/recording rules). */
export async function promtoolTestRules(testFiles: string[]): Promise<PromtoolResult> {
  if (testFiles.length === 0) return { ok: true, output: '' };
  return runPromtool(['test', 'rules', ...testFiles]);
}
