// Loopback port helpers: pick a free port, or fail clearly when a wanted one is taken.
import { createServer } from 'node:net';

/** A port the OS says is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('freePort: the OS gave no port'))));
    });
  });
}

/** Throws a clear Error naming `what` if 127.0.0.1:port cannot be bound. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `${what}: port ${port} on 127.0.0.1 is already in use (stop what holds it, or choose another port)`
            : `${what}: cannot listen on 127.0.0.1:${port}: ${err.message}`,
        ),
      );
    });
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}

/** The port to use: a free one for 0/undefined, else the one asked for once it is known to be free. */
export async function resolvePort(port: number | undefined, what: string): Promise<number> {
  if (!port) return freePort();
  await assertPortFree(port, what);
  return port;
}

/** True if something accepts TCP connections on 127.0.0.1:port. */
export async function isPortOpen(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
