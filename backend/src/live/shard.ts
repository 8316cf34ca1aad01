// Series sharding across companion replicas, as Prometheus shards scrapes with `hashmod`: a series
// belongs to replica `index` when hash(sorted labels) mod count == index. FNV-1a (64-bit, on BigInt
// would be slow; two 32-bit lanes instead) over `name=value` pairs separated by 0xff, which cannot
// occur in UTF-8 label text, so {a="b,c"} and {a="b",c=""} never collide by construction.
import type { Labels } from './ports.js';

export function seriesHash(labels: Labels): number {
  const keys = Object.keys(labels).sort();
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const feed = (s: string): void => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h1 = Math.imul(h1 ^ 0xff, 0x01000193);
    h2 = Math.imul(h2 ^ 0xff, 0x5bd1e995);
  };
  for (const k of keys) {
    feed(k);
    feed(labels[k]!);
  }
  // 53-bit non-negative integer from the two lanes.
  return (h1 >>> 0) * 2 ** 21 + ((h2 >>> 0) & 0x1fffff);
}

export function ownsSeries(labels: Labels, index: number, count: number): boolean {
  if (count <= 1) return true;
  return seriesHash(labels) % count === index;
}
