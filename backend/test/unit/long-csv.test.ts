import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LongCsvReader, parseLongCsv, parseLongCsvBytes, parseLongCsvGeneral } from '../../src/io/long-csv.js';
import { rng } from '../../eval/lib/rng.js';

test('long CSV: the in-place reader of plain lines gives exactly what the general reader gives', () => {
  const r = rng(5);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const keys = ['a', 'b', 'svc-1', 'x y', ' pad', '"q"', '"a,b"', '', '#c', 'zürich', '東京', '\uFEFFbom', 'nbsp\u00a0', '\u3000ideo'];
  const stamps = (i: number): string[] => [String(1_700_000_000 + 60 * i), String(1_700_000_000_000 + 60_000 * i), '2024-01-02T03:04:05Z', '2024-01-02 03:04', '-5', '12.5', ' 1700000000', 'x', '', '1234567890123456', '200000000000', '98765432109876543219', '20683064458226694'];
  const values = (): string[] => [
    (r() * 1000).toFixed(3), String(r() * 1e6), String(-r()), '1e5', '-2.5E-3', '.5', '5.', '+7', '007', '0.000123', '-0', 'NaN', 'inf', '-Infinity', '', 'oops', '1.2.3',
    '12345678901234567', '0.1234567890123456789', '123456789012345.6', ' 4 ', '-', '.', '3\r4', '5\r', '6\r\r', '+', '-.5', '1,5', '2"',
  ];
  for (let round = 0; round < 80; round++) {
    const lines: string[] = [];
    if (r() < 0.5) lines.push(pick(['series,timestamp,value', 'id,time,v', '# comment', '', '\uFEFFseries,timestamp,value']));
    // Rows of a series mostly come together (the reader's fastest path reads a line of the last series in
    // one pass): half the lines repeat the previous line's key, odd timestamps and values included.
    let prev = 'a';
    for (let i = 0; i < 60; i++) {
      const u = r();
      const again = r() < 0.5;
      if (u < 0.04) lines.push(pick(['', '   ', '# note, with, commas', 'a,1', 'a,1,2,3', ',,', 'a,,1', 'a,1,', `${prev},1`, `${prev},1,2,3`, `${prev},,1`, `${prev}`, `${prev},`]));
      else if (u < 0.75) lines.push(`${(prev = again ? prev : pick([...keys.slice(0, 3), 'zürich', '東京']))},${1_700_000_000 + 60 * i},${(r() * 100).toFixed(2)}`); // plain
      else lines.push(`${again ? prev : pick(keys)},${pick(stamps(i))},${pick(values())}`);
    }
    const text = lines.join(r() < 0.3 ? '\r\n' : '\n') + (r() < 0.5 ? '\n' : '');
    const got = parseLongCsv(text);
    const want = parseLongCsvGeneral(text);
    assert.deepEqual(got, want, `round ${round}:\n${text}`);
    // The same file, with invalid UTF-8 put in here and there, fed in pieces that end at line breaks
    // (as the CLI reads a file through one reused buffer): exactly the general reader on its decoded text.
    let bytes = Buffer.from(text, 'utf8');
    const bad = [[0xff], [0x80], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf]];
    for (let k = round % 2 === 0 ? 0 : 1 + Math.floor(r() * 6); k > 0; k--) {
      const at = Math.floor(r() * (bytes.length + 1));
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(bad)), bytes.subarray(at)]);
    }
    const reader = new LongCsvReader();
    const buf = Buffer.alloc(bytes.length);
    for (let pos = 0; pos < bytes.length; ) {
      const cut = bytes.indexOf(10, pos + Math.floor(r() * 200));
      const end = cut < 0 ? bytes.length : cut + 1;
      bytes.copy(buf, 0, pos, end); // one reused buffer, overwritten after each piece
      reader.feed(buf.subarray(0, end - pos));
      buf.fill(0x2c);
      pos = end;
    }
    assert.deepEqual(reader.finish(), parseLongCsvGeneral(new TextDecoder('utf-8').decode(bytes)), `round ${round} in pieces:\n${bytes.toString('latin1')}`);
  }
});

test('long CSV: plain values are read exactly as Number() reads them', () => {
  const r = rng(6);
  for (let i = 0; i < 5000; i++) {
    const digits = 1 + Math.floor(r() * 15);
    const m = Math.floor(r() * 10 ** digits);
    const frac = Math.floor(r() * 20);
    const s = m.toString().padStart(frac + 1, '0');
    const text = `${r() < 0.5 ? '-' : ''}${s.slice(0, s.length - frac)}${frac ? '.' : ''}${s.slice(s.length - frac)}`;
    const got = parseLongCsv(`s,0,0\ns,1,${text}\n`).series[0]!.values[1];
    assert.ok(Object.is(got, Number(text)), `${text}: ${got} vs ${Number(text)}`);
  }
});

test('long CSV: a file that is not valid UTF-8 reads as its decoded text does', () => {
  const text = 'series,timestamp,value\na,1700000000,1.5\nb\u00e9,1700000060,2\n';
  const bytes = Buffer.from(text, 'utf8');
  const bad = Buffer.concat([bytes.subarray(0, 24), Buffer.from([0xff, 0xfe]), bytes.subarray(24)]);
  assert.deepEqual(parseLongCsvBytes(bad), parseLongCsvGeneral(bad.toString('utf8')));
  assert.deepEqual(parseLongCsvBytes(bytes), parseLongCsvGeneral(text));
});
