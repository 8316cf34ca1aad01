// `foresight companion [--config FILE]`: runs the companion until SIGINT/SIGTERM. Any start-up problem
// (bad config, Prometheus/Alertmanager unreachable, port in use) is one line on stderr and exit code 1.
import type { RunningCompanion } from '../../companion.js';
import { startFullCompanion } from '../../wiring/features.js';
import { loadConfig } from '../../config/load.js';

const USAGE = `usage: foresight companion [--config FILE]

Runs the Foresight companion. Without --config the demo defaults apply (Prometheus http://127.0.0.1:9090,
Alertmanager http://127.0.0.1:9093, listen 127.0.0.1:8787, API token 'foresight-demo-token').
FORESIGHT_* environment variables override the file (FORESIGHT_PROMETHEUS_URL, FORESIGHT_PORT,
FORESIGHT_API_TOKEN, FORESIGHT_STORE_PATH, ...). FORESIGHT_CONFIG names the file when --config is absent.
`;

function parseArgs(argv: string[]): { config?: string; help?: boolean } {
  const out: { config?: string; help?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--config' || a === '-c') {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a file name`);
      out.config = v;
    } else if (a.startsWith('--config=')) out.config = a.slice('--config='.length);
    else throw new Error(`unknown argument '${a}' (try --help)`);
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  let running: RunningCompanion;
  try {
    const args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const config = loadConfig(args.config ?? process.env.FORESIGHT_CONFIG);
    running = await startFullCompanion(config);
  } catch (e) {
    process.stderr.write(`foresight companion: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  process.stdout.write(`foresight companion listening on ${running.url}\n`);
  // Resolve (and so let the process exit) only once a signal has closed the server and the store.
  return new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      const done = (code: number): void => {
        resolve(code);
        // Safety net: if a feature left a timer or socket open, exit anyway shortly after a clean stop.
        setTimeout(() => process.exit(code), 2000).unref();
      };
      running.stop().then(
        () => done(0),
        (e: unknown) => {
          process.stderr.write(`foresight companion: stopping after ${signal} failed: ${e instanceof Error ? e.message : String(e)}\n`);
          done(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
