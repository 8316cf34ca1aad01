import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linePieces } from '../../src/cli/series-input.js';
import { rng } from '../../eval/lib/rng.js';

test('linePieces: a file in pieces that end at line breaks, through one reused buffer, adds up to the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fs-pieces-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const r = rng(3);
  for (const [name, text] of [
    ['lines', Array.from({ length: 500 }, (_, i) => `s${i % 7},${1_700_000_000 + i},${(r() * 100).toFixed(r() < 0.5 ? 1 : 6)}`).join('\n') + '\n'],
    ['no final newline, CRLF', Array.from({ length: 300 }, (_, i) => `k,${i},${i * 2}`).join('\r\n')],
    ['a line longer than the buffer', `a,1,2\n${'x'.repeat(1000)},3,4\nb,5,6\n`],
    ['empty', ''],
    ['one byte', '\n'],
  ] as const) {
    const path = join(dir, 'f.csv');
    await writeFile(path, text);
    const got: string[] = [];
    for await (const p of linePieces(path, 64)) {
      assert.ok(p.length > 0, `${name}: no empty piece`);
      got.push(Buffer.from(p).toString('utf8')); // copied now: the next piece overwrites the buffer
    }
    assert.equal(got.join(''), text, name);
    got.slice(0, -1).forEach((p, i) => assert.ok(p.endsWith('\n'), `${name}: piece ${i} ends with a line break`));
    if (text.length > 200 && !name.startsWith('a line longer')) assert.ok(got.length > 3, `${name}: read in several pieces (${got.length})`);
  }
});
