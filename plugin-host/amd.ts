// A minimal AMD loader standing in for Grafana's SystemJS: a built plugin module calls
// `define([deps], factory)`; deps are resolved from the shared modules the host provides (the same
// packages Grafana exposes to plugins), plus `module` carrying the script's URL, from which the
// plugin derives its public path for lazy chunks.
type Factory = (...deps: unknown[]) => unknown;
type Define = ((deps: string[], factory: Factory) => void) & { amd: object };

// Loads go one at a time: each swaps the global `define` while its script runs, so two at once (a
// dashboard's panels) would capture each other's modules. Each URL is loaded once, as SystemJS does.
let queue: Promise<unknown> = Promise.resolve();
const loaded = new Map<string, Promise<Record<string, unknown>>>();

export function loadAmdModule(url: string, shared: Record<string, unknown>): Promise<Record<string, unknown>> {
  const key = new URL(url, window.location.href).href;
  let p = loaded.get(key);
  if (!p) {
    p = queue.then(() => loadOnce(url, shared));
    queue = p.catch(() => undefined);
    loaded.set(key, p);
  }
  return p;
}

async function loadOnce(url: string, shared: Record<string, unknown>): Promise<Record<string, unknown>> {
  const captured: Array<{ deps: string[]; factory: Factory }> = [];
  const define: Define = Object.assign(
    (deps: string[], factory: Factory) => {
      captured.push({ deps, factory });
    },
    { amd: {} }
  );
  const w = window as unknown as { define?: Define };
  const previous = w.define;
  w.define = define;
  try {
    await new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = url;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error(`cannot load plugin module ${url}`));
      document.head.appendChild(s);
    });
  } finally {
    w.define = previous;
  }
  const def = captured[0];
  if (!def) throw new Error(`${url} did not call define(): is it a built Grafana plugin module?`);
  const absolute = new URL(url, window.location.href).pathname;
  const args = def.deps.map((d) => {
    if (d === 'module') return { uri: absolute, id: absolute };
    if (d === 'exports') return {};
    if (!(d in shared)) throw new Error(`${url} needs '${d}', which the plugin host does not provide`);
    return shared[d];
  });
  return def.factory(...args) as Record<string, unknown>;
}
