// Property test: random schemas, random rows and random writer options round-trip through
// DuckDB exactly. Seeded and reproducible: PARQUET_SEED=<n> replays one run; a failure
// prints the seed and the case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { V, col, writeParquet, query, sqlString, civilMicros, readHyparquet } from './parquet_support.mjs';

// mulberry32: small, deterministic, good enough for test data.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBigInt(r, lo, hi) {
  const span = hi - lo + 1n;
  let x = 0n;
  for (let i = 0; i < 5; ++i) x = (x << 16n) | BigInt(Math.floor(r() * 65536));
  return lo + (x % span);
}

// A random DECIMAL(precision, scale) value as MySQL prints it: up to `precision` random
// digits, a sign when not zero, exactly `scale` fraction digits.
function decimalText(r, precision, scale) {
  let digits = '';
  const n = Math.floor(r() * (precision + 1));
  for (let i = 0; i < n; ++i) digits += Math.floor(r() * 10);
  digits = digits.padStart(precision, '0');
  const neg = r() < 0.5 && /[1-9]/.test(digits);
  const ip = digits.slice(0, precision - scale).replace(/^0+/, '') || '0';
  const fp = digits.slice(precision - scale);
  return `${neg ? '-' : ''}${ip}${scale ? '.' + fp : ''}`;
}

// Each generator: a column and a function giving [tool value, DuckDB expression, expected].
const GENERATORS = [
  (r, name) => {
    const [type, bits] = [['int8', 8n], ['int16', 16n], ['int24', 24n], ['int32', 32n], ['int64', 64n]][Math.floor(r() * 5)];
    const unsigned = r() < 0.5;
    const lo = unsigned ? 0n : -(1n << (bits - 1n));
    const hi = unsigned ? (1n << bits) - 1n : (1n << (bits - 1n)) - 1n;
    return {
      column: col(name, type, { unsigned }), expr: `"${name}"::VARCHAR`,
      hyp: (e) => (bits === 64n ? BigInt(e) : Number(e)),
      value: () => {
        const edge = r() < 0.2;
        const v = edge ? (r() < 0.5 ? lo : hi) : randomBigInt(r, lo, hi);
        return [unsigned ? V.uint(v) : V.int(v), v.toString()];
      },
    };
  },
  (r, name) => {
    const precision = 1 + Math.floor(r() * 38);
    const scale = Math.floor(r() * (precision + 1));
    return {
      // Widened first: DuckDB prints DECIMAL(p,p) without the leading zero (DECIMAL(38,38)
      // still does, so the zero is put back).
      column: col(name, 'decimal', { precision, scale }),
      expr: `regexp_replace(CAST("${name}" AS DECIMAL(38, ${scale}))::VARCHAR, '^(-?)[.]', '\\10.')`,
      value: () => {
        const text = decimalText(r, precision, scale);
        return [V.dec(text), text];
      },
    };
  },
  (r, name) => {
    // Wider than 128 bits: written as exact text, which both readers return as is.
    const precision = 39 + Math.floor(r() * 27);
    const scale = Math.floor(r() * 31);
    return {
      column: col(name, 'decimal', { precision, scale }), expr: `"${name}"`, hyp: (e) => e,
      value: () => {
        const text = decimalText(r, precision, scale);
        return [V.dec(text), text];
      },
    };
  },
  (r, name) => ({
    column: col(name, 'double'), expr: `"${name}"`, hyp: (e) => e,
    value: () => {
      const specials = [0, -0, Infinity, -Infinity, NaN, Number.MAX_VALUE, Number.MIN_VALUE];
      const b = Buffer.alloc(8);
      for (let i = 0; i < 8; ++i) b[i] = Math.floor(r() * 256);
      let v = r() < 0.2 ? specials[Math.floor(r() * specials.length)] : b.readDoubleLE();
      if (Number.isNaN(v)) v = NaN;
      return [V.double(v), v];
    },
  }),
  (r, name) => ({
    column: col(name, 'float'), expr: `"${name}"`, hyp: (e) => e,
    value: () => {
      const v = Math.fround((r() - 0.5) * 10 ** Math.floor(r() * 20 - 10));
      return [V.float(v), v];
    },
  }),
  (r, name) => ({
    column: col(name, 'string'), expr: `"${name}"`, hyp: (e) => e,
    value: () => {
      const alphabet = ['a', 'b', 'Z', 'é', '😀', '\u0000', ' ', '\n', "'", 'ß'];
      let s = '';
      const n = r() < 0.3 ? Math.floor(r() * 3) : Math.floor(r() * 40);
      for (let i = 0; i < n; ++i) s += alphabet[Math.floor(r() * alphabet.length)];
      return [V.str(s), s];
    },
  }),
  (r, name) => ({
    column: col(name, 'binary'), expr: `hex("${name}")`,
    value: () => {
      const b = Buffer.alloc(Math.floor(r() * 20));
      for (let i = 0; i < b.length; ++i) b[i] = Math.floor(r() * 256);
      return [V.bytes(b), b.toString('hex').toUpperCase()];
    },
  }),
  (r, name) => ({
    column: col(name, 'date'), expr: `"${name}"::VARCHAR`, hyp: (e) => e, hypRead: (v) => v.toISOString().slice(0, 10),
    value: () => {
      const y = 1000 + Math.floor(r() * 9000);
      const m = 1 + Math.floor(r() * 12);
      const d = 1 + Math.floor(r() * 28);
      return [V.date(y, m, d), `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`];
    },
  }),
  (r, name) => ({
    column: col(name, 'datetime', { scale: 6 }), expr: `epoch_us("${name}")`,
    value: () => {
      const p = [1000 + Math.floor(r() * 9000), 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28), Math.floor(r() * 24), Math.floor(r() * 60), Math.floor(r() * 60), Math.floor(r() * 1e6)];
      return [V.datetime(...p), civilMicros(...p)];
    },
  }),
  (r, name) => ({
    column: col(name, 'timestamp', { scale: 6 }), expr: `epoch_us("${name}")`,
    value: () => {
      const sec = 1 + Math.floor(r() * 2147483647);
      const us = Math.floor(r() * 1e6);
      return [V.timestamp(sec, us), BigInt(sec) * 1000000n + BigInt(us)];
    },
  }),
  (r, name) => ({
    column: col(name, 'bit', { precision: 1 }), expr: `"${name}"`, hyp: (e) => e,
    value: () => {
      const v = r() < 0.5;
      return [V.uint(v ? 1 : 0), v];
    },
  }),
  (r, name) => {
    const elements = ['red', 'green', 'blue', 'ü'];
    return {
      column: col(name, 'enum', { elements }), expr: `"${name}"`, hyp: (e) => e,
      value: () => {
        const i = Math.floor(r() * elements.length);
        return r() < 0.5 ? [V.str(elements[i]), elements[i]] : [V.uint(i + 1), elements[i]];
      },
    };
  },
];

function sameValue(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  return a === b;
}

async function runCase(seed) {
  const r = rng(seed);
  const ncols = 1 + Math.floor(r() * 10);
  const gens = [];
  for (let i = 0; i < ncols; ++i) {
    const g = GENERATORS[Math.floor(r() * GENERATORS.length)](r, `c${i}`);
    g.column.nullable = r() < 0.6;
    gens.push(g);
  }
  const nullRate = r() * 0.5;
  const nrows = Math.floor(r() * (r() < 0.2 ? 20 : 3000));
  const rows = [];
  const want = [];
  for (let i = 0; i < nrows; ++i) {
    const row = [];
    const exp = [];
    for (const g of gens) {
      if (g.column.nullable && r() < nullRate) {
        row.push(V.null());
        exp.push(null);
      } else {
        const [v, e] = g.value();
        row.push(v);
        exp.push(e);
      }
    }
    rows.push(row);
    want.push(exp);
  }
  const options = {
    codec: ['none', 'snappy', 'gzip', 'zstd'][Math.floor(r() * 4)],
    dictionary: r() < 0.7 ? 1 : 0,
    page_bytes: [64, 1000, 1 << 20][Math.floor(r() * 3)],
    row_group_rows: [7, 500, 1000000][Math.floor(r() * 3)],
    dictionary_page_bytes: [16, 512, 1 << 20][Math.floor(r() * 3)],
  };
  const path = writeParquet({ options, columns: gens.map((g) => g.column), rows });
  await checkHyparquet(seed, path, gens, want);
  const got = await query(`SELECT ${gens.map((g) => g.expr).join(', ')} FROM read_parquet(${sqlString(path)}) ORDER BY file_row_number`);
  assert.equal(got.length, nrows, `seed ${seed}: row count`);
  for (let i = 0; i < nrows; ++i) {
    for (let c = 0; c < gens.length; ++c) {
      if (!sameValue(got[i][c], want[i][c])) {
        assert.fail(`seed ${seed} (replay with PARQUET_SEED=${seed}): row ${i} column ${gens[c].column.name} ` +
          `(${gens[c].column.type}${gens[c].column.unsigned ? ' unsigned' : ''} p=${gens[c].column.precision} s=${gens[c].column.scale}) ` +
          `options ${JSON.stringify(options)}: got ${String(got[i][c])}, want ${String(want[i][c])}`);
      }
    }
  }
}

// The second reader: hyparquet, for the types it returns exactly (it reads decimals and
// timestamps through doubles and milliseconds, and binary as text).
async function checkHyparquet(seed, path, gens, want) {
  const rows = await readHyparquet(path);
  assert.equal(rows.length, want.length, `seed ${seed}: hyparquet row count`);
  gens.forEach((g, c) => {
    if (!g.hyp) return;
    for (let i = 0; i < want.length; ++i) {
      const raw = rows[i][g.column.name];
      const got = raw === null || raw === undefined || !g.hypRead ? raw ?? null : g.hypRead(raw);
      const exp = want[i][c] === null ? null : g.hyp(want[i][c]);
      if (!sameValue(got, exp)) {
        assert.fail(`seed ${seed} (replay with PARQUET_SEED=${seed}): hyparquet row ${i} column ` +
          `${g.column.name} (${g.column.type}): got ${String(got)}, want ${String(exp)}`);
      }
    }
  });
}

test('random schemas and rows round-trip through DuckDB', async () => {
  const fixed = process.env.PARQUET_SEED;
  const base = fixed !== undefined ? Number(fixed) : Math.floor(Math.random() * 2 ** 31);
  const cases = fixed !== undefined ? 1 : 30;
  console.log(`# parquet property base seed ${base}`);
  for (let i = 0; i < cases; ++i) await runCase(base + i);
});
