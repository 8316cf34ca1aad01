// Wrappers around the real `amtool`: generated Alertmanager config is only trusted once amtool accepts it,
// and routing is proven with `amtool config routes test`. Spawned without a shell; args are argv entries.
import { runTool, type ToolResult } from '../tools/run-tool.js';

export function amtoolPath(): string {
  return process.env.FORESIGHT_AMTOOL ?? 'amtool';
}

export type AmtoolResult = ToolResult;

export function runAmtool(args: string[], timeoutMs = 30_000): Promise<AmtoolResult> {
  return runTool({ name: 'amtool', bin: amtoolPath(), missingHint: "install prometheus-alertmanager's amtool or set FORESIGHT_AMTOOL" }, args, timeoutMs);
}

/** `amtool check-config FILE`. */
export function amtoolCheckConfig(file: string): Promise<AmtoolResult> {
  return runAmtool(['check-config', file]);
}

/** Receivers (in tree order) an alert with these labels reaches, per `amtool config routes test`. */
export async function amtoolRoutesTest(file: string, labels: Record<string, string>): Promise<string[]> {
  const args = ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const r = await runAmtool(args);
  // amtool warns on stderr that --config.file overrides --alertmanager.url; the answer is the last line.
  const line = r.output.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Warning:')).pop() ?? '';
  if (!r.ok) throw new Error(`amtool config routes test failed for ${JSON.stringify(labels)}: ${r.output.trim()}`);
  return line.split(',').map((s) => s.trim()).filter(Boolean);
}
