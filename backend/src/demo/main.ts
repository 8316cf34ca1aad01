// `node --import tsx backend/src/demo/main.ts [--port N] [--time-scale N] [--seed N] [--host H]`:
// runs the demo workload until SIGINT/SIGTERM (or, with --exit-with-parent, until its parent is gone).
import { parseArgs } from 'node:util';
import { startWorkloadServer } from './server.js';

function num(name: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    process.stderr.write(`demo workload: --${name} must be a number >= ${min}; got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'time-scale': { type: 'string' },
        seed: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean' },
        'exit-with-parent': { type: 'boolean' },
      },
    }));
  } catch (err) {
    process.stderr.write(`demo workload: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write('usage: demo/main.ts [--port 8788] [--time-scale 1] [--seed 1] [--host 127.0.0.1]\n');
    return;
  }
  const port = num('port', values.port, 8788, 0);
  const timeScale = num('time-scale', values['time-scale'], 1, Number.MIN_VALUE);
  const seed = num('seed', values.seed, 1, -Infinity);
  const server = await startWorkloadServer({ port, timeScale, seed, host: values.host ?? '127.0.0.1' });
  process.stdout.write(`demo workload listening on ${server.url} (time scale ${timeScale}, seed ${seed})\n`);
  const shutdown = (): void => {
    server.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  if (values['exit-with-parent']) {
    // Started by the stack: if that parent dies without stopping us (SIGKILL), we are re-parented; leave too.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) shutdown();
    }, 1000).unref();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo workload: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
