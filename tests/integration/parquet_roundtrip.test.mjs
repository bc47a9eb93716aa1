// Parquet files written by binlake's ParquetWriter (through parquet_write_tool) read back by
// two independent readers, DuckDB and hyparquet: values, schema, statistics, codecs,
// encodings, field ids, row groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  V, col, writeParquet, query, queryObjects, readHyparquet, hyparquetMetadata, pageHeaders, civilMicros, sqlString,
} from './parquet_support.mjs';

const U64_MAX = 18446744073709551615n;

// One column per type, with edge values. Each entry: the column, the written values (tool
// text) and the expected DuckDB rendering of `expr` (null for NULL).
function allTypes() {
  const c = [];
  const add = (column, expr, pairs) => c.push({ column, expr, pairs });
  add(col('i8', 'int8', { fieldId: 1 }), '$::VARCHAR', [[V.int(-128), '-128'], [V.int(127), '127'], [V.null(), null]]);
  add(col('u8', 'int8', { unsigned: true, fieldId: 2 }), '$::VARCHAR', [[V.uint(0), '0'], [V.uint(255), '255'], [V.uint(1), '1']]);
  add(col('i16', 'int16', { fieldId: 3 }), '$::VARCHAR', [[V.int(-32768), '-32768'], [V.int(32767), '32767'], [V.null(), null]]);
  add(col('u16', 'int16', { unsigned: true, fieldId: 4 }), '$::VARCHAR', [[V.uint(65535), '65535'], [V.uint(0), '0'], [V.null(), null]]);
  add(col('i24', 'int24', { fieldId: 5 }), '$::VARCHAR', [[V.int(-8388608), '-8388608'], [V.int(8388607), '8388607'], [V.int(0), '0']]);
  add(col('u24', 'int24', { unsigned: true, fieldId: 6 }), '$::VARCHAR', [[V.uint(16777215), '16777215'], [V.uint(0), '0'], [V.null(), null]]);
  add(col('i32', 'int32', { fieldId: 7 }), '$::VARCHAR', [[V.int(-2147483648), '-2147483648'], [V.int(2147483647), '2147483647'], [V.null(), null]]);
  add(col('u32', 'int32', { unsigned: true, fieldId: 8 }), '$::VARCHAR', [[V.uint(4294967295), '4294967295'], [V.uint(2147483648), '2147483648'], [V.uint(0), '0']]);
  add(col('i64', 'int64', { nullable: false, fieldId: 9 }), '$::VARCHAR', [[V.int(-9223372036854775808n), '-9223372036854775808'], [V.int(9223372036854775807n), '9223372036854775807'], [V.int(0), '0']]);
  add(col('u64', 'int64', { unsigned: true, fieldId: 10 }), '$::VARCHAR', [[V.uint(U64_MAX), '18446744073709551615'], [V.uint(9223372036854775808n), '9223372036854775808'], [V.null(), null]]);
  add(col('f', 'float', { fieldId: 11 }), '$', [[V.float(3.4028234663852886e38), 3.4028234663852886e38], [V.float(-0), -0], [V.float(NaN), NaN]]);
  add(col('f2', 'float', { fieldId: 12 }), '$', [[V.float(Infinity), Infinity], [V.float(1.401298464324817e-45), 1.401298464324817e-45], [V.null(), null]]);
  add(col('d', 'double', { fieldId: 13 }), '$', [[V.double(-Infinity), -Infinity], [V.double(5e-324), 5e-324], [V.double(0.1), 0.1]]);
  add(col('dec5', 'decimal', { precision: 5, scale: 3, fieldId: 14 }), '$::VARCHAR', [[V.dec('-12.340'), '-12.340'], [V.dec('99.999'), '99.999'], [V.null(), null]]);
  add(col('dec9', 'decimal', { precision: 9, scale: 0, fieldId: 15 }), '$::VARCHAR', [[V.dec('-999999999'), '-999999999'], [V.dec('999999999'), '999999999'], [V.dec('0'), '0']]);
  add(col('dec18', 'decimal', { precision: 18, scale: 6, fieldId: 16 }), '$::VARCHAR', [[V.dec('-999999999999.999999'), '-999999999999.999999'], [V.dec('0.000001'), '0.000001'], [V.null(), null]]);
  add(col('dec38', 'decimal', { precision: 38, scale: 10, fieldId: 17 }), '$::VARCHAR', [[V.dec('-9999999999999999999999999999.9999999999'), '-9999999999999999999999999999.9999999999'], [V.dec('1.5'), '1.5000000000'], [V.dec('-0.0000000001'), '-0.0000000001']]);
  add(col('dec20', 'decimal', { precision: 20, scale: 2, fieldId: 18 }), '$::VARCHAR', [[V.dec('123456789012345678.90'), '123456789012345678.90'], [V.dec('-1'), '-1.00'], [V.null(), null]]);
  add(col('bit1', 'bit', { precision: 1, fieldId: 19 }), '$::VARCHAR', [[V.uint(1), 'true'], [V.uint(0), 'false'], [V.null(), null]]);
  add(col('bit64', 'bit', { precision: 64, fieldId: 20 }), '$::VARCHAR', [[V.uint(U64_MAX), '18446744073709551615'], [V.uint(5), '5'], [V.uint(0), '0']]);
  add(col('yr', 'year', { fieldId: 21 }), '$::VARCHAR', [[V.int(2155), '2155'], [V.int(1901), '1901'], [V.int(0), '0']]);
  add(col('dt_', 'date', { fieldId: 22 }), '$::VARCHAR', [[V.date(1000, 1, 1), '1000-01-01'], [V.date(9999, 12, 31), '9999-12-31'], [V.date(1969, 12, 31), '1969-12-31']]);
  add(col('zd', 'date', { nullable: false, fieldId: 23 }), '$::VARCHAR', [[V.date(0, 0, 0), null], [V.date(2024, 2, 29), '2024-02-29'], [V.date(2023, 2, 30), null]]);
  add(col('tm', 'time', { scale: 6, fieldId: 24 }), '$', [[V.time(true, 838, 59, 59, 0), '-838:59:59.000000'], [V.time(false, 0, 0, 0, 1), '00:00:00.000001'], [V.null(), null]]);
  add(col('tm0', 'time', { scale: 0, fieldId: 25 }), '$', [[V.time(false, 23, 59, 59, 0), '23:59:59'], [V.time(true, 0, 0, 1, 0), '-00:00:01'], [V.time(false, 100, 0, 0, 0), '100:00:00']]);
  add(col('dtm', 'datetime', { scale: 6, fieldId: 26 }), 'epoch_us($)', [
    [V.datetime(1969, 12, 31, 23, 59, 59, 999999), -1n],
    [V.datetime(9999, 12, 31, 23, 59, 59, 999999), civilMicros(9999, 12, 31, 23, 59, 59, 999999)],
    [V.datetime(0, 0, 0, 0, 0, 0, 0), null]]);
  add(col('dtm2', 'datetime', { scale: 0, fieldId: 27 }), 'epoch_us($)', [
    [V.datetime(1000, 1, 1, 0, 0, 0, 0), civilMicros(1000, 1, 1)],
    [V.datetime(2024, 2, 29, 12, 30, 45, 0), civilMicros(2024, 2, 29, 12, 30, 45)],
    [V.null(), null]]);
  add(col('ts', 'timestamp', { scale: 6, fieldId: 28 }), 'epoch_us($)', [
    [V.timestamp(1, 0), 1000000n], [V.timestamp(2147483647, 999999), 2147483647999999n], [V.timestamp(0, 0), null]]);
  add(col('s', 'string', { fieldId: 29 }), '$', [[V.str('héllo 😀 wörld'), 'héllo 😀 wörld'], [V.str(''), ''], [V.null(), null]]);
  add(col('s2', 'string', { nullable: false, fieldId: 30 }), '$', [[V.str('a\tb\nc'), 'a\tb\nc'], [V.str("it's"), "it's"], [V.str('\u0000x'), '\u0000x']]);
  add(col('bin', 'binary', { fieldId: 31 }), 'hex($)', [[V.bytes([0, 255, 128, 1]), '00FF8001'], [V.bytes([]), ''], [V.null(), null]]);
  add(col('en', 'enum', { fieldId: 32, elements: ['small', 'large'] }), '$', [[V.str('small'), 'small'], [V.uint(2), 'large'], [V.uint(0), '']]);
  add(col('st', 'set', { fieldId: 33, elements: ['a', 'b', 'c'] }), '$', [[V.str('a,c'), 'a,c'], [V.uint(6), 'b,c'], [V.uint(0), '']]);
  add(col('js', 'json', { fieldId: 34 }), '$::VARCHAR', [[V.json('{"k":[1,2.5,"ü"]}'), '{"k":[1,2.5,"ü"]}'], [V.json('null'), 'null'], [V.null(), null]]);
  add(col('geo', 'geometry', { fieldId: 35 }), 'hex($)', [[V.bytes([0, 0, 0, 0, 1, 1, 0, 0, 0]), '000000000101000000'], [V.null(), null], [V.bytes([1]), '01']]);
  add(col('vec', 'vector', { fieldId: 36 }), 'hex($)', [[V.bytes([0, 0, 128, 63]), '0000803F'], [V.null(), null], [V.bytes([]), '']]);
  return c;
}

function sameValue(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  return a === b;
}

async function checkAllTypes(path, cases) {
  const exprs = cases.map((c) => c.expr.replaceAll('$', `"${c.column.name}"`)).join(', ');
  const rows = await query(`SELECT ${exprs} FROM read_parquet(${sqlString(path)}) ORDER BY file_row_number`);
  assert.equal(rows.length, 3);
  cases.forEach((c, ci) => {
    for (let r = 0; r < 3; ++r) {
      const got = rows[r][ci];
      const want = c.pairs[r][1];
      assert.ok(sameValue(got, want), `${c.column.name} row ${r}: got ${String(got)} want ${String(want)}`);
    }
  });
}

function allTypesFile(options) {
  const cases = allTypes();
  const rows = [0, 1, 2].map((r) => cases.map((c) => c.pairs[r][0]));
  return { cases, path: writeParquet({ options, columns: cases.map((c) => c.column), rows }) };
}

for (const codec of ['none', 'snappy', 'gzip', 'zstd']) {
  for (const dictionary of [1, 0]) {
    test(`every type round-trips through DuckDB (${codec}, dictionary ${dictionary})`, async () => {
      const { cases, path } = allTypesFile({ codec, dictionary });
      await checkAllTypes(path, cases);
      const meta = await queryObjects(`SELECT DISTINCT compression FROM parquet_metadata(${sqlString(path)})`);
      assert.deepEqual(meta.map((m) => m.compression), [{ none: 'UNCOMPRESSED', snappy: 'SNAPPY', gzip: 'GZIP', zstd: 'ZSTD' }[codec]]);
      const enc = await queryObjects(`SELECT path_in_schema AS p, encodings AS e FROM parquet_metadata(${sqlString(path)}) ORDER BY column_id`);
      const byName = Object.fromEntries(enc.map((x) => [x.p, x.e]));
      assert.equal(byName.i64, dictionary ? 'PLAIN, RLE_DICTIONARY' : 'PLAIN');
      assert.equal(byName.s, dictionary ? 'PLAIN, RLE, RLE_DICTIONARY' : 'PLAIN, RLE');
      assert.equal(byName.bit1, 'PLAIN, RLE'); // booleans are never dictionary-encoded
    });
  }
}

test('hyparquet reads every codec with the same values', async () => {
  for (const codec of ['none', 'snappy', 'gzip', 'zstd']) {
    const { path } = allTypesFile({ codec });
    const rows = await readHyparquet(path);
    assert.equal(rows.length, 3, codec);
    assert.deepEqual(rows.map((r) => r.i8), [-128, 127, null]);
    assert.deepEqual(rows.map((r) => r.u32), [4294967295, 2147483648, 0]);
    assert.deepEqual(rows.map((r) => r.i64), [-9223372036854775808n, 9223372036854775807n, 0n]);
    assert.deepEqual(rows.map((r) => r.u64), [U64_MAX, 9223372036854775808n, null]);
    assert.ok(Object.is(rows[1].f, -0) && Number.isNaN(rows[2].f), codec);
    assert.deepEqual(rows.map((r) => r.d), [-Infinity, 5e-324, 0.1]);
    assert.deepEqual(rows.map((r) => r.dec9), [-999999999, 999999999, 0]);
    assert.deepEqual(rows.map((r) => r.bit1), [true, false, null]);
    assert.deepEqual(rows.map((r) => r.s), ['héllo 😀 wörld', '', null]);
    assert.deepEqual(rows.map((r) => r.tm), ['-838:59:59.000000', '00:00:00.000001', null]);
    assert.deepEqual(rows.map((r) => r.en), ['small', 'large', '']);
    assert.deepEqual(rows.map((r) => r.js), [{ k: [1, 2.5, 'ü'] }, null, null]);
    assert.deepEqual(rows.map((r) => r.dt_?.toISOString()), ['1000-01-01T00:00:00.000Z', '9999-12-31T00:00:00.000Z', '1969-12-31T00:00:00.000Z']);
    assert.deepEqual(rows.map((r) => r.ts?.getTime() ?? null), [1000, 2147483647999, null]);
    // BYTE_ARRAY without a logical type comes back as text unless utf8 is off.
    assert.equal(rows[0].bin.length, 4);
  }
});

// DuckDB renders IntType's i8 bitWidth as a character.
const intType = (bits, signed) => `IntType(bitWidth=${String.fromCharCode(bits)}, isSigned=${signed})`;

test('schema: physical, logical and converted types, repetition and field ids', async () => {
  const { cases, path } = allTypesFile({});
  const schema = await queryObjects(`SELECT name, type, type_length, repetition_type AS rep, converted_type AS conv, logical_type AS lt, field_id FROM parquet_schema(${sqlString(path)})`);
  assert.equal(schema[0].name, 'schema');
  assert.equal(schema[0].type, null);
  const s = Object.fromEntries(schema.slice(1).map((x) => [x.name, x]));
  cases.forEach((c, i) => assert.equal(s[c.column.name].field_id, BigInt(i + 1), c.column.name));
  const expect = (name, type, conv, lt, rep = 'OPTIONAL') => {
    assert.equal(s[name].type, type, name);
    assert.equal(s[name].conv, conv, name);
    assert.equal(s[name].lt, lt, name);
    assert.equal(s[name].rep, rep, name);
  };
  expect('i8', 'INT32', 'INT_8', intType(8, 1));
  expect('u8', 'INT32', 'UINT_8', intType(8, 0));
  expect('u16', 'INT32', 'UINT_16', intType(16, 0));
  expect('i24', 'INT32', 'INT_32', intType(32, 1));
  expect('u32', 'INT32', 'UINT_32', intType(32, 0));
  expect('i64', 'INT64', 'INT_64', intType(64, 1), 'REQUIRED');
  expect('u64', 'INT64', 'UINT_64', intType(64, 0));
  expect('f', 'FLOAT', null, null);
  expect('d', 'DOUBLE', null, null);
  expect('dec5', 'INT32', 'DECIMAL', 'DecimalType(scale=3, precision=5)');
  expect('dec18', 'INT64', 'DECIMAL', 'DecimalType(scale=6, precision=18)');
  expect('dec38', 'FIXED_LEN_BYTE_ARRAY', 'DECIMAL', 'DecimalType(scale=10, precision=38)');
  assert.equal(s.dec38.type_length, '16');
  assert.equal(s.dec20.type_length, '9');
  expect('bit1', 'BOOLEAN', null, null);
  expect('bit64', 'INT64', 'UINT_64', intType(64, 0));
  expect('yr', 'INT32', 'INT_16', intType(16, 1));
  expect('dt_', 'INT32', 'DATE', 'DateType()');
  expect('zd', 'INT32', 'DATE', 'DateType()'); // NOT NULL, but zero dates become NULL
  expect('tm', 'BYTE_ARRAY', 'UTF8', 'StringType()');
  expect('dtm', 'INT64', null, 'TimestampType(isAdjustedToUTC=0, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))');
  expect('ts', 'INT64', 'TIMESTAMP_MICROS', 'TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))');
  expect('s', 'BYTE_ARRAY', 'UTF8', 'StringType()');
  expect('s2', 'BYTE_ARRAY', 'UTF8', 'StringType()', 'REQUIRED');
  expect('bin', 'BYTE_ARRAY', null, null);
  expect('en', 'BYTE_ARRAY', 'ENUM', 'EnumType()');
  expect('st', 'BYTE_ARRAY', 'UTF8', 'StringType()');
  expect('js', 'BYTE_ARRAY', 'JSON', 'JsonType()');
  expect('geo', 'BYTE_ARRAY', null, null);
  // hyparquet decodes the same footer independently.
  const hs = Object.fromEntries((await hyparquetMetadata(path)).schema.slice(1).map((e) => [e.name, e]));
  assert.deepEqual(hs.u16.logical_type, { type: 'INTEGER', bitWidth: 16, isSigned: false });
  assert.deepEqual(hs.i64.logical_type, { type: 'INTEGER', bitWidth: 64, isSigned: true });
  assert.deepEqual(hs.dec38.logical_type, { type: 'DECIMAL', scale: 10, precision: 38 });
  assert.equal(hs.dtm.logical_type.isAdjustedToUTC, false);
  assert.equal(hs.ts.logical_type.isAdjustedToUTC, true);
  assert.equal(hs.yr.field_id, 21);
  const types = await queryObjects(`SELECT typeof(dtm) AS a, typeof(ts) AS b, typeof(u64) AS c, typeof(js) AS d FROM read_parquet(${sqlString(path)}) LIMIT 1`);
  assert.deepEqual(types[0], { a: 'TIMESTAMP', b: 'TIMESTAMP WITH TIME ZONE', c: 'UBIGINT', d: 'JSON' });
  const kv = await queryObjects(`SELECT created_by, num_rows, num_row_groups, format_version FROM parquet_file_metadata(${sqlString(path)})`);
  assert.deepEqual(kv[0], { created_by: 'binlake version 0.1.0 (build 0)', num_rows: 3n, num_row_groups: 1n, format_version: 2n });
});

test('statistics follow each type\'s sort order', async () => {
  const columns = [
    col('u32', 'int32', { unsigned: true }), col('u64', 'int64', { unsigned: true }),
    col('i32', 'int32'), col('f', 'float'), col('d', 'double'), col('s', 'string'),
    col('dec', 'decimal', { precision: 30, scale: 2 }), col('b', 'bit', { precision: 1 }),
    col('z', 'double'), col('n', 'string'),
  ];
  const rows = [
    [V.uint(4294967295), V.uint(U64_MAX), V.int(-5), V.float(NaN), V.double(-0), V.str('é'), V.dec('-5.00'), V.uint(1), V.double(0), V.null()],
    [V.uint(0), V.uint(1), V.int(7), V.float(1.5), V.double(2.5), V.str('Z'), V.dec('3'), V.uint(1), V.double(-0), V.null()],
    [V.uint(2147483648), V.uint(9223372036854775808n), V.null(), V.float(-2), V.double(0), V.str('a'), V.dec('-0.01'), V.null(), V.double(0), V.null()],
  ];
  for (const dictionary of [1, 0]) {
    const path = writeParquet({ options: { dictionary }, columns, rows });
    const m = await queryObjects(`SELECT path_in_schema AS p, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls FROM parquet_metadata(${sqlString(path)})`);
    const st = Object.fromEntries(m.map((x) => [x.p, [x.lo, x.hi, x.nulls]]));
    assert.deepEqual(st.u32, ['0', '4294967295', 0n]);
    assert.deepEqual(st.u64, ['1', '18446744073709551615', 0n]);
    assert.deepEqual(st.i32, ['-5', '7', 1n]);
    assert.deepEqual(st.f, ['-2.0', '1.5', 0n]); // NaN left out
    assert.deepEqual(st.d, ['-0.0', '2.5', 0n]); // a zero min is written as -0.0
    assert.deepEqual(st.s, ['Z', 'é', 0n]); // bytewise: 'Z' < 'a' < 0xC3
    assert.deepEqual(st.dec, ['-5.00', '3.00', 0n]); // signed, not bytewise
    assert.deepEqual(st.b, ['true', 'true', 1n]);
    assert.deepEqual(st.z, ['-0.0', '0.0', 0n]);
    assert.deepEqual(st.n, [null, null, 3n]);
    // DuckDB prunes row groups with these statistics; the answers must not change.
    const q = await query(`SELECT count(*) FROM read_parquet(${sqlString(path)}) WHERE u32 > 3000000000 OR s = 'é' OR dec < -1`);
    assert.equal(q[0][0], 1n);
  }
});

test('many pages, many row groups, dictionary fallback', async () => {
  const columns = [col('id', 'int64', { nullable: false }), col('s', 'string'), col('v', 'double'), col('k', 'int32')];
  const rows = [];
  const want = [];
  for (let i = 0; i < 5000; ++i) {
    const s = i % 7 === 0 ? null : `value-${i}-${'x'.repeat(i % 50)}`;
    rows.push([V.int(i), s === null ? V.null() : V.str(s), V.double(i / 3), V.int(i % 5)]);
    want.push([BigInt(i), s, i / 3, i % 5]);
  }
  const path = writeParquet({
    options: { codec: 'zstd', row_group_rows: 1500, page_bytes: 2000, dictionary_page_bytes: 4096 },
    columns, rows,
  });
  const got = await query(`SELECT id, s, v, k FROM read_parquet(${sqlString(path)}) ORDER BY file_row_number`);
  assert.deepEqual(got, want);
  const rg = await queryObjects(`SELECT row_group_id AS g, row_group_num_rows AS n, path_in_schema AS p, encodings AS e, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata(${sqlString(path)}) ORDER BY row_group_id, column_id`);
  assert.deepEqual([...new Set(rg.map((x) => `${x.g}:${x.n}`))], ['0:1500', '1:1500', '2:1500', '3:500']);
  const s0 = rg.find((x) => x.g === 0n && x.p === 's');
  assert.equal(s0.e, 'PLAIN, RLE, RLE_DICTIONARY'); // dictionary filled up, rest PLAIN
  const k0 = rg.find((x) => x.g === 0n && x.p === 'k');
  assert.equal(k0.e, 'PLAIN, RLE, RLE_DICTIONARY');
  const id3 = rg.find((x) => x.g === 3n && x.p === 'id');
  assert.deepEqual([id3.lo, id3.hi], ['4500', '4999']);
  const hp = await readHyparquet(path);
  assert.equal(hp.length, 5000);
  assert.deepEqual(hp.map((r) => [r.id, r.s, r.v, r.k]), want);
  // Row-group byte budget: ~ 8 bytes per id and per v, so about 32 rows per 1 KiB group.
  const small = writeParquet({ options: { row_group_bytes: 1024 }, columns: columns.slice(0, 1), rows: rows.slice(0, 300).map((r) => r.slice(0, 1)) });
  const groups = await queryObjects(`SELECT count(*) AS n, min(row_group_num_rows) AS lo, max(row_group_num_rows) AS hi FROM parquet_metadata(${sqlString(small)})`);
  assert.deepEqual(groups[0], { n: 3n, lo: 44n, hi: 128n });
});

test('options: millisecond timestamps, TIME as TIME, ENUM as STRING, zero dates as epoch', async () => {
  const columns = [col('dt', 'datetime', { scale: 6 }), col('ts', 'timestamp', { scale: 3 }), col('t', 'time', { scale: 6 }), col('e', 'enum', { elements: ['x'] }), col('zd', 'date', { nullable: false }), col('zt', 'datetime', { nullable: false })];
  const rows = [
    [V.datetime(1969, 12, 31, 23, 59, 59, 999999), V.timestamp(1700000000, 123999), V.time(false, 12, 34, 56, 789012), V.str('x'), V.date(0, 0, 0), V.datetime(2024, 0, 1, 0, 0, 0, 0)],
    [V.datetime(2024, 1, 2, 3, 4, 5, 6000), V.timestamp(1, 1000), V.time(false, 0, 0, 0, 0), V.uint(1), V.date(2000, 1, 1), V.datetime(2000, 1, 1, 0, 0, 1, 0)],
  ];
  const path = writeParquet({ options: { timestamp_millis: 1, time_as_string: 0, enum_as_string: 1, zero_date: 'epoch' }, columns, rows });
  const got = await query(`SELECT epoch_ms(dt), epoch_ms(ts), t::VARCHAR, e, zd::VARCHAR, epoch_us(zt) FROM read_parquet(${sqlString(path)}) ORDER BY file_row_number`);
  assert.deepEqual(got, [
    [-1n, 1700000000123n, '12:34:56.789012', 'x', '1970-01-01', 0n],
    [civilMicros(2024, 1, 2, 3, 4, 5) / 1000n + 6n, 1001n, '00:00:00', 'x', '2000-01-01', civilMicros(2000, 1, 1, 0, 0, 1)],
  ]);
  const schema = await queryObjects(`SELECT name, converted_type AS conv, logical_type AS lt, repetition_type AS rep FROM parquet_schema(${sqlString(path)}) WHERE name <> 'schema'`);
  const s = Object.fromEntries(schema.map((x) => [x.name, x]));
  assert.equal(s.dt.lt, 'TimestampType(isAdjustedToUTC=0, unit=TimeUnit(MILLIS=MilliSeconds(), MICROS=<null>, NANOS=<null>))');
  assert.equal(s.ts.conv, 'TIMESTAMP_MILLIS');
  assert.equal(s.t.conv, 'TIME_MICROS');
  assert.equal(s.t.lt, 'TimeType(isAdjustedToUTC=0, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))');
  assert.equal(s.e.conv, 'UTF8');
  assert.equal(s.zd.rep, 'REQUIRED'); // the epoch rule keeps NOT NULL columns REQUIRED
});

test('wide decimals (precision 39..65): exact text by default, FIXED_LEN_BYTE_ARRAY on request', async () => {
  const texts = ['-12345678901234567890123456789012345.123456789012345678901234567890', '0.000000000000000000000000000001', '99999999999999999999999999999999999.999999999999999999999999999999', '217512068297436.9698'];
  // MySQL's text: the fraction always has `scale` digits.
  const canonical = texts.map((t) => (t.includes('.') ? t + '0'.repeat(30 - t.split('.')[1].length) : t));
  const column = [col('d', 'decimal', { precision: 65, scale: 30 })];
  const path = writeParquet({ columns: column, rows: texts.map((t) => [V.dec(t)]) });
  const schema = await queryObjects(`SELECT type, converted_type FROM parquet_schema(${sqlString(path)}) WHERE name = 'd'`);
  assert.deepEqual(schema[0], { type: 'BYTE_ARRAY', converted_type: 'UTF8' });
  const duck = await queryObjects(`SELECT d FROM read_parquet(${sqlString(path)})`);
  assert.deepEqual(duck.map((r) => r.d), canonical, 'DuckDB reads the exact value');
  assert.deepEqual((await readHyparquet(path)).map((r) => r.d), canonical, 'hyparquet too');

  const fixed = writeParquet({ options: { wide_decimal_as_string: 0 }, columns: column, rows: texts.map((t) => [V.dec(t)]) });
  const fschema = await queryObjects(`SELECT type, type_length FROM parquet_schema(${sqlString(fixed)}) WHERE name = 'd'`);
  assert.deepEqual(fschema[0], { type: 'FIXED_LEN_BYTE_ARRAY', type_length: '28' });
  // hyparquet converts decimals to doubles; the exact bytes are covered by the unit tests.
  const rows = await readHyparquet(fixed);
  rows.forEach((r, i) => {
    const want = Number(texts[i]);
    assert.ok(Math.abs(r.d - want) <= Math.abs(want) * 1e-15, `${r.d} vs ${want}`);
  });
});

test('bad rows are refused with the column named', async () => {
  assert.throws(
    () => writeParquet({ columns: [col('n', 'int32', { nullable: false })], rows: [[V.null()]] }),
    (e) => e.status === 2 && e.stderr.includes("column 'n' is NOT NULL but the row has NULL"),
  );
  assert.throws(
    () => writeParquet({ columns: [col('d', 'decimal', { precision: 4, scale: 2 })], rows: [[V.dec('123.45')]] }),
    (e) => e.status === 2 && e.stderr.includes("column 'd': decimal value '123.45' does not fit DECIMAL(4,2)"),
  );
  assert.throws(
    () => writeParquet({ options: { zero_date: 'error' }, columns: [col('d', 'datetime')], rows: [[V.datetime(0, 0, 0, 0, 0, 0, 0)]] }),
    (e) => e.status === 2 && e.stderr.includes("column 'd' (datetime) holds"),
  );
});

test('mostly distinct columns give up the dictionary after the probe, values intact', async () => {
  const columns = [col('id', 'int64', { nullable: false }), col('note', 'string'), col('grp', 'int32'), col('tag', 'string')];
  const rows = [];
  const want = [];
  for (let i = 0; i < 40000; ++i) {
    const note = i % 11 === 0 ? null : `note ${i * 7919}`;
    rows.push([V.int(i * 3), note === null ? V.null() : V.str(note), V.int(i % 10), V.str(`t${i % 3}`)]);
    want.push([BigInt(i * 3), note, i % 10, `t${i % 3}`]);
  }
  const path = writeParquet({ options: { codec: 'snappy', page_bytes: 8192 }, columns, rows });
  assert.deepEqual(await query(`SELECT id, note, grp, tag FROM read_parquet(${sqlString(path)}) ORDER BY file_row_number`), want);
  const m = await queryObjects(`SELECT path_in_schema AS p, encodings AS e, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS n FROM parquet_metadata(${sqlString(path)})`);
  const st = Object.fromEntries(m.map((x) => [x.p, x]));
  assert.equal(st.id.e, 'PLAIN, RLE_DICTIONARY'); // dictionary pages first, then PLAIN
  assert.deepEqual([st.id.lo, st.id.hi], ['0', '119997']);
  assert.equal(st.note.e, 'PLAIN, RLE, RLE_DICTIONARY');
  assert.deepEqual([st.note.lo, st.note.hi, st.note.n], ['note 100009051', 'note 99993213', 3637n]);
  assert.equal(st.grp.e, 'PLAIN, RLE, RLE_DICTIONARY');
  assert.deepEqual([st.tag.lo, st.tag.hi], ['t0', 't2']);
  const dict = await queryObjects(`SELECT path_in_schema AS p, dictionary_page_offset IS NOT NULL AS d FROM parquet_metadata(${sqlString(path)})`);
  assert.ok(dict.every((x) => x.d));
  const hp = await readHyparquet(path);
  assert.deepEqual(hp.map((r) => [r.id, r.note, r.grp, r.tag]), want);
});

test('page headers: dictionary page first, page statistics and counts per page', async () => {
  const columns = [col('u', 'int32', { unsigned: true }), col('s', 'string'), col('d', 'double', { nullable: false })];
  const rows = [];
  const vals = [];
  for (let i = 0; i < 3000; ++i) {
    const u = i % 13 === 0 ? null : (i * 2654435761) % 4294967296;
    const s = i % 5 === 0 ? null : `k${(i * 37) % 101}`;
    const d = ((i * 7) % 1000) - 500 + 0.25;
    rows.push([u === null ? V.null() : V.uint(u), s === null ? V.null() : V.str(s), V.double(d)]);
    vals.push([u, s, d]);
  }
  const path = writeParquet({ options: { codec: 'zstd', page_bytes: 1024, row_group_rows: 2000 }, columns, rows });
  const groups = await pageHeaders(path);
  assert.equal(groups.length, 2);
  let rowBase = 0;
  for (const [g, chunks] of groups.entries()) {
    const nrows = g === 0 ? 2000 : 1000;
    for (const [c, chunk] of chunks.entries()) {
      assert.equal(chunk.end, chunk.expectedEnd, `group ${g} column ${c}: pages fill the chunk exactly`);
      const [first, ...data] = chunk.pages;
      assert.equal(first.type, 2, 'dictionary page first');
      assert.equal(first.encoding, 0);
      assert.equal(Number(chunk.meta.data_page_offset), first.offset + first.compressed);
      assert.ok(data.length > 1, `group ${g} column ${c}: several data pages`);
      let row = rowBase;
      for (const p of data) {
        assert.equal(p.type, 0);
        assert.equal(p.encoding, 8); // RLE_DICTIONARY: every column here stays under the probe
        const page = vals.slice(row, row + p.numValues).map((v) => v[c]);
        row += p.numValues;
        const present = page.filter((v) => v !== null);
        assert.equal(p.nullCount, page.length - present.length);
        if (c === 0) {
          assert.equal(p.min.readUInt32LE(), Math.min(...present));
          assert.equal(p.max.readUInt32LE(), Math.max(...present));
        } else if (c === 1) {
          const sorted = present.map((x) => Buffer.from(x)).sort(Buffer.compare);
          assert.deepEqual(p.min, sorted[0]);
          assert.deepEqual(p.max, sorted[sorted.length - 1]);
        } else {
          assert.equal(p.min.readDoubleLE(), Math.min(...present));
          assert.equal(p.max.readDoubleLE(), Math.max(...present));
        }
      }
      assert.equal(row - rowBase, nrows);
      assert.equal(Number(chunk.meta.num_values), nrows);
    }
    rowBase += nrows;
  }
});

test('pages also close at 131072 rows (long NULL runs, booleans)', async () => {
  const rows = [];
  for (let i = 0; i < 300000; ++i) rows.push([i % 1000 === 0 ? V.uint(i % 3000 === 0 ? 1 : 0) : V.null()]);
  const path = writeParquet({ columns: [col('b', 'bit', { precision: 1 })], rows });
  assert.deepEqual(await query(`SELECT count(*), count(b), count(*) FILTER (WHERE b) FROM read_parquet(${sqlString(path)})`), [[300000n, 300n, 100n]]);
  const pages = (await pageHeaders(path))[0][0].pages;
  assert.deepEqual(pages.map((p) => [p.numValues, p.encoding]), [[131072, 0], [131072, 0], [37856, 0]]);
  assert.deepEqual(pages.map((p) => p.nullCount), [131072 - 132, 131072 - 131, 37856 - 37]);
});

test('a file with no rows has the schema and no row groups', async () => {
  const path = writeParquet({ columns: [col('id', 'int64', { nullable: false, fieldId: 1 }), col('s', 'string', { fieldId: 2 })], rows: [] });
  assert.deepEqual(await query(`SELECT count(*), typeof(any_value(id)), typeof(any_value(s)) FROM read_parquet(${sqlString(path)})`), [[0n, 'BIGINT', 'VARCHAR']]);
  assert.deepEqual(await queryObjects(`SELECT num_rows, num_row_groups FROM parquet_file_metadata(${sqlString(path)})`), [{ num_rows: 0n, num_row_groups: 0n }]);
  assert.deepEqual(await readHyparquet(path), []);
});
