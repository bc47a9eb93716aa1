// The change log in Parquet: `binlake run` with format parquet (zstd) follows inserts,
// updates and deletes of a table with many column types; DuckDB reads the CDC file and every
// value equals what SELECT returns for the same row image. The file's metadata carries the
// codec, the logical types and the table columns' field ids.

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { duckdb, sql } from '../lib/rig.mjs';
import { readHyparquet } from './parquet_support.mjs';
import { lakeObjects, localLake, runBinlake, tableFiles, tempDir, writeConfig } from './run_support.mjs';

const DB = `cdc_parquet_${process.pid}`;
const work = tempDir('cdc-parquet');
after(() => rmSync(work, { recursive: true, force: true }));

// The same value text from both sides: MariaDB SELECT expressions and DuckDB expressions
// over the Parquet columns.
const COLUMNS = [
  ['id', 'INT NOT NULL PRIMARY KEY', 'id', 'CAST(id AS VARCHAR)'],
  ['u64', 'BIGINT UNSIGNED', 'u64', 'CAST(u64 AS VARCHAR)'],
  ['i8', 'TINYINT', 'i8', 'CAST(i8 AS VARCHAR)'],
  ['dec20', 'DECIMAL(20,4)', 'dec20', 'CAST(dec20 AS VARCHAR)'],
  ['dec38', 'DECIMAL(38,10)', 'dec38', 'CAST(dec38 AS VARCHAR)'],
  ['dbl', 'DOUBLE', 'dbl', 'CAST(dbl AS VARCHAR)'],
  ['dt', 'DATETIME(6)', 'dt', "strftime(dt, '%Y-%m-%d %H:%M:%S.%f')"],
  ['ts', 'TIMESTAMP(3) NULL', 'CAST(UNIX_TIMESTAMP(ts) * 1000 AS SIGNED)', 'CAST(epoch_ms(ts) AS VARCHAR)'],
  ['d', 'DATE', 'd', 'CAST(d AS VARCHAR)'],
  ['tm', 'TIME(2)', 'tm', 'tm'],
  ['y', 'YEAR', 'y + 0', 'CAST(y AS VARCHAR)'],
  ['s', 'VARCHAR(50) CHARACTER SET utf8mb4', 's', 's'],
  ['b', 'VARBINARY(20)', 'HEX(b)', 'hex(b)'],
  ['j', 'JSON', 'j', 'CAST(j AS VARCHAR)'],
  ['e', "ENUM('red','green')", 'e', 'CAST(e AS VARCHAR)'],
  ['bit1', 'BIT(1)', 'bit1 + 0', 'CAST(CAST(bit1 AS INTEGER) AS VARCHAR)'],
  // Wider than 38 digits: exact text by default (docs/type-mapping.md).
  ['dec65', 'DECIMAL(65,30)', 'dec65', 'dec65'],
];
const selectSource = (where) =>
  `SELECT ${COLUMNS.map((c) => c[2]).join(', ')} FROM ${DB}.t WHERE ${where}`;

test('parquet change log: every value equals SELECT; codec, types and field ids', async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.t (${COLUMNS.map((c) => `${c[0]} ${c[1]}`).join(', ')})`);
  const lake = await localLake(join(work, 'lake'));
  const config = writeConfig(join(work, 'cfg'), DB, {
    lake,
    output: { format: 'parquet', compression: 'zstd', timestamp_column_name: 'commit_ts',
              sequence_column_name: 'seq' },
  });
  // An empty lake starts at the current binlog end.
  await runBinlake(config, { check: true });

  await sql(`SET time_zone = '+00:00';
    INSERT INTO ${DB}.t VALUES
      (1, 18446744073709551615, -128, -9999999999999999.9999, 1234567890123456789012345678.0123456789,
       -0.5, '2026-01-02 03:04:05.123456', '2038-01-19 03:14:07.999', '1000-01-01',
       '-838:59:59.99', 1901, 'Grüße 🐬', x'00FF00', '{"a": [1, 2.5, "x"]}', 'green', b'1',
       -99999999999999999999999999999999999.999999999999999999999999999999),
      (2, 0, 127, 0.0001, -0.0000000001, 1e300, '9999-12-31 23:59:59.999999',
       '1970-01-01 00:00:01.000', '9999-12-31', '00:00:00.01', 2155, '', x'', '[]', 'red', b'0',
       217512068297436.969800000000000000000000000001),
      (3, NULL, NULL, NULL, NULL, NULL, '2000-02-29 12:00:00.000001', NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, 0)`);
  const inserted = await sql(`SET time_zone = '+00:00'; ${selectSource('TRUE ORDER BY id')}`);
  await sql(`UPDATE ${DB}.t SET s = 'changed', dec20 = 42.4200, j = '{"b": null}',
    dec65 = 0.000000000000000000000000000001 WHERE id = 2`);
  const updated = await sql(`SET time_zone = '+00:00'; ${selectSource('id = 2')}`);
  await sql(`DELETE FROM ${DB}.t WHERE id = 1`);
  await runBinlake(config, { check: true });

  const objects = await lakeObjects(lake);
  const files = tableFiles(objects, DB, 't');
  assert.equal(files.length, 1, `one CDC file expected, got ${files.join(', ')}`);
  assert.match(files[0], /^[^/]+\/t\/\d{8}-\d{9}\.parquet$/);
  const path = join(work, 'changes.parquet');
  writeFileSync(path, objects.get(files[0]));

  const rows = await duckdb(`SELECT Op, ${COLUMNS.map((c) => c[3]).join(', ')}
    FROM read_parquet('${path}') ORDER BY seq`);
  const expected = [
    ['I', ...inserted[0]], ['I', ...inserted[1]], ['I', ...inserted[2]],
    ['U', ...updated[0]],
    ['D', ...inserted[0]],
  ];
  // DOUBLE text differs between the two printers (DuckDB 1e+300, MariaDB 1e300): compare
  // the numbers; every other column as exact text.
  const dbl = 1 + COLUMNS.findIndex((c) => c[0] === 'dbl');
  const numeric = (table) => table.map((r) => r.map((v, i) => (i === dbl && v !== null ? Number(v) : v)));
  assert.deepEqual(numeric(rows), numeric(expected));
  // The second reader reads the wide decimals exactly too.
  const dec65 = 1 + COLUMNS.findIndex((c) => c[0] === 'dec65');
  const hyp = (await readHyparquet(path)).sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  assert.deepEqual(hyp.map((r) => r.dec65 ?? null), expected.map((r) => r[dec65]));
  const [[wideType]] = await duckdb(`SELECT type FROM parquet_schema('${path}') WHERE name = 'dec65'`);
  assert.equal(wideType, 'BYTE_ARRAY');

  const codecs = await duckdb(`SELECT DISTINCT compression FROM parquet_metadata('${path}')`);
  assert.deepEqual(codecs, [['ZSTD']]);
  const schema = await duckdb(`SELECT name, field_id, logical_type IS NOT NULL
    FROM parquet_schema('${path}') WHERE name <> 'duckdb_schema' ORDER BY name`, { objects: true });
  const byName = Object.fromEntries(schema.map((r) => [r.name, r]));
  COLUMNS.forEach(([name], i) => {
    assert.equal(Number(byName[name]?.field_id), i + 1, `field id of ${name}`);
  });
  assert.equal(byName.Op.field_id, null, 'metadata columns carry no field id');
});
