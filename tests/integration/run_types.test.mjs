// Every MariaDB column type through `binlake run`: rows are inserted, updated and deleted
// while binlake follows the binlog, and each change file is read back with DuckDB (CSV with
// every column as VARCHAR, JSON lines through DuckDB's JSON functions) and compared exactly
// with what SELECT returns for the same rows. Four lakes follow the same changes: CSV and
// JSON lines, each on a local directory and on the rig's RGW.
//
// FLOAT/DOUBLE -0.0 is not here: MariaDB stores -0e0 (and every SQL expression yielding
// negative zero) as 0, so no row can hold it; src/format's unit tests cover its text.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { sql } from '../lib/rig.mjs';
import {
  lakeObjects, latestCheckpoint, localLake, readCsvChanges, readJsonChanges, runBinlake,
  s3Lake, tableFiles, tempDir, writeConfig,
} from './run_support.mjs';

const DB = `run_types_${process.pid}`;
const work = tempDir('run-types');

// name, SQL type, the SELECT expression whose text binlake must write (`c` is the column),
// how to compare (exact text, or as the same float/double), and the JSON type expected.
// Deliberate differences from plain SELECT are in docs/type-mapping.md: binary as HEX, BIT
// and YEAR as numbers, FLOAT as its shortest round-trip text.
const C = (name, type, expr = 'c', json = 'VARCHAR', cmp = 'exact') => ({
  name, type, expr: expr.replace(/\bc\b/g, `\`${name}\``), json, cmp,
});
const INT = ['BIGINT', 'UBIGINT'];
const COLUMNS = [
  C('i8', 'TINYINT', 'c', INT), C('u8', 'TINYINT UNSIGNED', 'c', INT),
  C('i16', 'SMALLINT', 'c', INT), C('u16', 'SMALLINT UNSIGNED', 'c', INT),
  C('i24', 'MEDIUMINT', 'c', INT), C('u24', 'MEDIUMINT UNSIGNED', 'c', INT),
  C('i32', 'INT', 'c', INT), C('u32', 'INT UNSIGNED', 'c', INT),
  C('i64', 'BIGINT', 'c', INT), C('u64', 'BIGINT UNSIGNED', 'c', INT),
  C('dec65', 'DECIMAL(65,30)'), C('dec10', 'DECIMAL(10,2)'), C('dec65i', 'DECIMAL(65,0)'),
  C('f', 'FLOAT', 'CAST(c AS DOUBLE)', ['DOUBLE', 'BIGINT', 'UBIGINT'], 'float'),
  C('d', 'DOUBLE', 'c', ['DOUBLE', 'BIGINT', 'UBIGINT'], 'double'),
  C('bit1', 'BIT(1)', 'c + 0', INT), C('bit64', 'BIT(64)', 'c + 0', INT),
  C('yr', 'YEAR', 'c + 0', INT),
  C('dt', 'DATE'),
  ...[0, 1, 2, 3, 4, 5, 6].map((n) => C(`tm${n}`, `TIME(${n})`)),
  ...[0, 1, 2, 3, 4, 5, 6].map((n) => C(`dtm${n}`, `DATETIME(${n})`)),
  ...[0, 1, 2, 3, 4, 5, 6].map((n) => C(`ts${n}`, `TIMESTAMP(${n}) NULL DEFAULT NULL`)),
  C('ch_u', 'CHAR(12) CHARACTER SET utf8mb4'), C('vc_u', 'VARCHAR(200) CHARACTER SET utf8mb4'),
  C('tx_u', 'TEXT CHARACTER SET utf8mb4'), C('ttx_u', 'TINYTEXT CHARACTER SET utf8mb4'),
  C('mtx_u', 'MEDIUMTEXT CHARACTER SET utf8mb4'), C('ltx_u', 'LONGTEXT CHARACTER SET utf8mb4'),
  C('ch_l', 'CHAR(12) CHARACTER SET latin1'), C('vc_l', 'VARCHAR(200) CHARACTER SET latin1'),
  C('tx_l', 'TEXT CHARACTER SET latin1'),
  C('bn', 'BINARY(8)', 'HEX(c)'), C('vb', 'VARBINARY(40)', 'HEX(c)'),
  C('tbl', 'TINYBLOB', 'HEX(c)'), C('bl', 'BLOB', 'HEX(c)'), C('mbl', 'MEDIUMBLOB', 'HEX(c)'),
  C('lbl', 'LONGBLOB', 'HEX(c)'),
  C('en', "ENUM('a','b','c')"), C('st', "SET('x','y','z')"),
  C('js', 'JSON'), C('geo', 'GEOMETRY', 'HEX(c)'), C('pt', 'POINT', 'HEX(c)'),
];

const rep = (ch, n) => ch.repeat(n);
const FSP = [0, 1, 2, 3, 4, 5, 6];
// TIME(0..6) values: `hms` with n nines of fraction, e.g. '-838:59:59.999'.
const TIMES = (sign, hms) => FSP.map((n) => `'${sign}${hms}${n ? `.${rep('9', n)}` : ''}'`);
// One VALUES tuple per row: minimum values, maximum values, zero dates and empty values, NULLs.
const ROWS = [
  [1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, '-9223372036854775808', 0,
    `-${rep('9', 35)}.${rep('9', 30)}`, '-99999999.99', `-${rep('9', 65)}`,
    '-3.4028234663852886e38', '-1.7976931348623157e308', "b'0'", "b'0'", 1901, "'1000-01-01'",
    ...TIMES('-', '838:59:59'),
    ...[0, 1, 2, 3, 4, 5, 6].map((n) => `'1000-01-01 00:00:00${n ? `.${rep('0', n - 1)}1` : ''}'`),
    ...[0, 1, 2, 3, 4, 5, 6].map((n) => `'1970-01-01 00:00:01${n ? `.${rep('0', n - 1)}1` : ''}'`),
    "'a'", "'a'", "'a'", "'a'", "'a'", "'a'", "'a'", "'a'", "'a'",
    "x'00'", "x'00'", "x'00'", "x'00'", "x'00'", "x'00'",
    "'a'", "''", "'[]'", "ST_GeomFromText('POINT(0 0)')", "ST_GeomFromText('POINT(-1.5 2.25)')"],
  [2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
    '9223372036854775807', '18446744073709551615',
    `${rep('9', 35)}.${rep('9', 30)}`, '99999999.99', rep('9', 65),
    '3.4028234663852886e38', '1.7976931348623157e308', "b'1'", '0xFFFFFFFFFFFFFFFF', 2155,
    "'9999-12-31'", ...TIMES('', '838:59:59'),
    ...[0, 1, 2, 3, 4, 5, 6].map((n) => `'9999-12-31 23:59:59${n ? `.${rep('9', n)}` : ''}'`),
    ...[0, 1, 2, 3, 4, 5, 6].map((n) => `'2038-01-19 03:14:07${n ? `.${rep('9', n)}` : ''}'`),
    "'😀𝄞 ünï'", "'😀 a,b\"c\nd'", "'𝄞 text ✓'", "'tiny 🎉'", "'medium 🚀'", "'long 🌍'",
    "'héllo ÿ'", "'Ünïcödé, \"quoted\"'", "'latin1 £ ©'",
    "x'0102000000'", "x'00FF0000'", "x'FF00'", "x'DEADBEEF00'", "x'00000001'", "x'7F'",
    "'c'", "'x,y,z'", `'{"a": [1, 2.5, "x", null, true], "b": {"c": "😀"}}'`,
    "ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))')", "ST_GeomFromText('POINT(1e300 -1e-300)')"],
  [3, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, `0.${rep('0', 29)}1`, '0.01', '0', '1.401298464324817e-45',
    '5e-324', "b'1'", "b'1000000000000000000000000000000000000000000000000000000000000001'", 0,
    "'0000-00-00'", ...FSP.map((n) => `'-00:00:00${n ? `.${rep('0', n - 1)}1` : ''}'`),
    ...[0, 1, 2, 3, 4, 5, 6].map(() => "'0000-00-00 00:00:00'"),
    ...[0, 1, 2, 3, 4, 5, 6].map(() => "'0000-00-00 00:00:00'"),
    "''", "''", "''", "''", "''", "''", "''", "''", "''",
    "''", "''", "''", "''", "''", "''",
    "'zzz'", "''", "'null'", "ST_GeomFromText('LINESTRING(0 0, 1 1)')", 'NULL'],
  [4, ...COLUMNS.map(() => 'NULL')],
];

// Session settings for every statement: UTC for TIMESTAMP, and no strict mode so that an
// invalid ENUM value is stored as '' (index 0) rather than refused.
const SESSION = "SET time_zone = '+00:00'; SET sql_mode = '';";

async function snapshot() {
  const rows = await sql(`${SESSION} SELECT id, ${COLUMNS.map((c) => c.expr).join(', ')}
                          FROM ${DB}.t ORDER BY id`);
  return new Map(rows.map((r) => [r[0], r]));
}

const lakes = {};
const expected = [];
const loadLake = {};

before(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
             CREATE TABLE ${DB}.t (id INT PRIMARY KEY,
               ${COLUMNS.map((c) => `\`${c.name}\` ${c.type}`).join(',\n')})`);
  const bucket = `run-types-${process.pid}`;
  lakes.csvLocal = { lake: await localLake(join(work, 'csv-lake')), format: 'csv' };
  lakes.jsonLocal = { lake: await localLake(join(work, 'json-lake')), format: 'jsonl' };
  lakes.csvS3 = { lake: await s3Lake(bucket, 'csv/lake'), format: 'csv' };
  lakes.jsonS3 = { lake: await s3Lake(bucket, 'json'), format: 'jsonl' };
  for (const [name, l] of Object.entries(lakes)) {
    l.config = writeConfig(join(work, name), DB, {
      lake: l.lake, output: { format: l.format, sequence_column_name: 'seq' },
    });
    // An empty lake starts at the current binlog end: nothing before this point is read.
    await runBinlake(l.config, { check: true });
  }

  for (const row of ROWS) await sql(`${SESSION} INSERT INTO ${DB}.t VALUES (${row.join(', ')})`);
  const s1 = await snapshot();
  // A lake created now loads the four rows with SELECT (full load, chunks of 2 rows on two
  // connections), then follows the changes below with CDC.
  loadLake.lake = await localLake(join(work, 'load-lake'));
  loadLake.config = writeConfig(join(work, 'load'), DB, {
    lake: loadLake.lake,
    output: { format: 'csv', sequence_column_name: 'seq', include_op_for_full_load: true },
    extra: { full_load: { threads: 2, chunk_rows: 2 } },
  });
  await runBinlake(loadLake.config, { check: true });
  loadLake.rows = s1;
  await sql(`${SESSION} UPDATE ${DB}.t SET vc_u = 'updated 😀', i32 = 42,
               dec65 = 0.000000000000000000000000000001, ts6 = NULL, en = 'b' WHERE id = 1`);
  await sql(`${SESSION} UPDATE ${DB}.t SET bl = NULL, js = '{"k": "v"}',
               tm6 = '-00:00:00.000001', st = 'y', dt = '2024-02-29' WHERE id = 3`);
  const s2 = await snapshot();
  await sql(`DELETE FROM ${DB}.t WHERE id = 2; DELETE FROM ${DB}.t WHERE id = 4`);
  for (const id of ['1', '2', '3', '4']) expected.push({ op: 'I', row: s1.get(id) });
  expected.push({ op: 'U', row: s2.get('1'), old: s1.get('1') });
  expected.push({ op: 'U', row: s2.get('3'), old: s1.get('3') });
  expected.push({ op: 'D', row: s2.get('2') }, { op: 'D', row: s2.get('4') });

  const r = await runBinlake(loadLake.config, { check: true });
  assert.match(r.stderr, new RegExp(`${DB}\\.t: 0 inserts, 2 updates, 2 deletes`));
  for (const l of Object.values(lakes)) {
    const r = await runBinlake(l.config, { check: true });
    assert.match(r.stderr, new RegExp(`${DB}\\.t: 4 inserts, 2 updates, 2 deletes`));
  }
});

const KEEP = process.env.RUN_TEST_KEEP;
after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  if (!KEEP) rmSync(work, { recursive: true, force: true });
});

// Compares one written value (text, or null) with the SELECT text of the same column.
function assertValue(col, got, want, where) {
  const msg = `${where}, column ${col.name} (${col.type})`;
  if (want === null || got === null) {
    assert.equal(got, want, msg);
    return;
  }
  if (col.cmp === 'float') {
    // The float's exact value as a double (CAST(f AS DOUBLE)) against what binlake wrote.
    assert.equal(Math.fround(Number(got)), Number(want), `${msg}: ${got} vs ${want}`);
  } else if (col.cmp === 'double') {
    assert.equal(Number(got), Number(want), `${msg}: ${got} vs ${want}`);
  } else {
    assert.equal(got, want, msg);
  }
}

// The one change file each lake holds for the table (one batch: --stop-at-end flushed it).
function changeKeys(objects) {
  const keys = tableFiles(objects, DB, 't');
  assert.equal(keys.length >= 1, true, `no change file for ${DB}.t in ${[...objects.keys()]}`);
  return keys;
}

for (const name of ['csvLocal', 'csvS3']) {
  test(`CSV change log equals SELECT for every type (${name})`, async () => {
    const objects = await lakeObjects(lakes[name].lake);
    const keys = changeKeys(objects);
    for (const k of keys) assert.match(k, new RegExp(`^${DB}/t/\\d{8}-\\d{9}(-\\d{4})?\\.csv$`));
    const names = ['Op', 'seq', 'id', ...COLUMNS.map((c) => c.name)];
    const rows = await readCsvChanges(objects, keys, names);
    assert.equal(rows.length, expected.length);
    const seqs = rows.map((r) => r.seq);
    assert.deepEqual(seqs, [...seqs].sort(), 'sequence values in change order');
    rows.forEach((got, i) => {
      const want = expected[i];
      const where = `change ${i} (${want.op} id ${want.row[0]})`;
      assert.equal(got.Op, want.op, where);
      assert.equal(got.id, want.row[0], where);
      COLUMNS.forEach((c, j) => assertValue(c, got[c.name], want.row[j + 1], where));
    });
    const cp = latestCheckpoint(objects);
    assert.deepEqual(Object.keys(cp.tables), [`${DB}.t`]);
  });
}

for (const name of ['jsonLocal', 'jsonS3']) {
  test(`JSON lines change log equals SELECT for every type (${name})`, async () => {
    const objects = await lakeObjects(lakes[name].lake);
    const keys = changeKeys(objects);
    for (const k of keys) assert.match(k, new RegExp(`^${DB}/t/\\d{8}-\\d{9}(-\\d{4})?\\.json$`));
    const rows = await readJsonChanges(objects, keys, ['id', ...COLUMNS.map((c) => c.name)],
        ['seq']);
    assert.equal(rows.length, expected.length);
    rows.forEach((got, i) => {
      const want = expected[i];
      const where = `change ${i} (${want.op} id ${want.row[0]})`;
      assert.equal(got.op, want.op, where);
      assert.equal(got.schema, DB, where);
      assert.equal(got.table, 't', where);
      assert.match(got.pos, /^mariadb-bin\.\d{6}:\d+$/, where);
      assert.match(got.gtid, /^0-1-\d+$/, where);
      assert.match(got.commit_ts, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/, where);
      assert.equal(got.data.id.text, want.row[0], where);
      const check = (image, wantRow, label) => COLUMNS.forEach((c, j) => {
        const v = image[c.name];
        const w = wantRow[j + 1];
        assertValue(c, v.text, w, `${where} ${label}`);
        const types = Array.isArray(c.json) ? c.json : [c.json];
        if (w !== null) {
          assert.ok(types.includes(v.type),
              `${where} ${label}, column ${c.name}: JSON type ${v.type}, want ${types}`);
        } else {
          assert.equal(v.type, 'NULL', `${where} ${label}, column ${c.name}`);
        }
      });
      check(got.data, want.row, 'data');
      if (want.op === 'U') {
        assert.notEqual(got.old, null, `${where}: an update carries its before-image`);
        check(got.old, want.old, 'old');
      } else {
        assert.equal(got.old, null, `${where}: only updates carry "old"`);
      }
    });
    const seqs = rows.map((r) => r.seq);
    assert.deepEqual(seqs, [...seqs].sort(), 'sequence values in change order');
  });
}

test('full load: LOAD rows equal SELECT for every type, and CDC continues in the same schema', async () => {
  const objects = await lakeObjects(loadLake.lake);
  const loads = tableFiles(objects, DB, 't').filter((k) => /\/LOAD[0-9A-F]{8}\.csv$/.test(k));
  assert.deepEqual(loads, [`${DB}/t/LOAD00000001.csv`, `${DB}/t/LOAD00000002.csv`]);
  const names = ['Op', 'seq', 'id', ...COLUMNS.map((c) => c.name)];
  const rows = await readCsvChanges(objects, loads, names);
  assert.deepEqual(rows.map((r) => r.id), ['1', '2', '3', '4']);
  for (const got of rows) {
    const want = loadLake.rows.get(got.id);
    assert.equal(got.Op, 'I');
    COLUMNS.forEach((c, j) => assertValue(c, got[c.name], want[j + 1], `LOAD row id ${got.id}`));
  }
  // The CDC files after it hold the updates and deletes, sequenced after every LOAD row.
  const cdc = tableFiles(objects, DB, 't').filter((k) => !loads.includes(k));
  const changes = await readCsvChanges(objects, cdc, names);
  assert.deepEqual(changes.map((r) => `${r.Op}${r.id}`), ['U1', 'U3', 'D2', 'D4']);
  const lastLoad = rows.map((r) => r.seq).sort().at(-1);
  assert.ok(changes.every((r) => r.seq > lastLoad), 'CDC changes sort after the LOAD rows');
  // SELECT-read and binlog-decoded rows describe the table identically: one schema version.
  const schemas = [...objects.keys()].filter((k) => k.startsWith(`_binlake/schemas/${DB}/t/`));
  assert.deepEqual(schemas, [`_binlake/schemas/${DB}/t/v000001.json`]);
});
