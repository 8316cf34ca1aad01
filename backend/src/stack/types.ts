// What every started part of the stack gives back.
export interface Managed {
  url: string;
  port: number;
  stop(): Promise<void>;
}
