// The CLI's command table. Loading is lazy so `foresight detect` does not pay for the SLO compiler.
export interface Command {
  summary: string;
  load: () => Promise<{ run: (argv: string[]) => Promise<number> }>;
}

export const commands: Record<string, Command> = {
  companion: { summary: 'run the companion server (--config FILE)', load: () => import('./companion.js') },
};
