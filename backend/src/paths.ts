// Where the companion's own files are, the same from source (src/**) and from the bundle (dist/cli.mjs):
// the package root is the nearest directory above this module holding the companion's package.json, and
// data directories (runbooks/) are looked up from there, beside it first, then in the repository above.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The companion package's root (the directory of backend/package.json). */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@foresight/companion') return (cached = dir);
      } catch {
        // unreadable package.json: keep climbing
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // A copied bundle without its package.json: the directory above dist/.
  return (cached = join(dirname(fileURLToPath(import.meta.url)), '..'));
}

/** A data directory shipped with the companion (e.g. 'runbooks'): `<package root>/<name>` or `<repository>/<name>`. */
export function dataDir(name: string): string {
  const root = packageRoot();
  for (const d of [join(root, name), join(root, '..', name)]) {
    try {
      if (statSync(d).isDirectory()) return d;
    } catch {
      // not here
    }
  }
  return join(root, '..', name); // the repository layout; the error on use names this path
}

/** The repository checkout around the companion package (the demo stack and tests run from it). */
export function repoRoot(): string {
  return join(packageRoot(), '..');
}
