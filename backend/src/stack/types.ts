// What every started part of the stack gives back.
export interface Managed {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** restart the process when it dies, with backoff, telling `report` (see Supervised.keepAlive) */
  keepAlive?(report: (line: string) => void): void;
  /** 'running', or how and when it ended */
  state?(): string;
}
