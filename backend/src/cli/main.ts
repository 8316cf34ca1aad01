// `foresight <command> [args]`: each command lives in ./commands/<command>.ts and exports
// `run(argv): Promise<number>` (the exit code), so a command is added without touching this file.
import { commands } from './commands/index.js';

// `foresight detect … | head`: the reader went away, which is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`usage: foresight <command> [options]\n\ncommands:\n`);
    for (const [cmd, c] of Object.entries(commands)) process.stdout.write(`  ${cmd.padEnd(10)} ${c.summary}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`foresight: unknown command '${name}' (try 'foresight --help')\n`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`foresight: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
