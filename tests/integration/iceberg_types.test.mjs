// Every MariaDB column type at its edges reaches the Iceberg table exactly (docs/iceberg.md,
// "Type mapping"), through the full load and through CDC (insert, update, delete), read back
// by two readers: the merge-on-read of avsc + DuckDB for every column, and icebird for the
// columns a JavaScript reader represents exactly. Expected values come from the server.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { sql } from '../lib/rig.mjs';
import { localLake, runBinlake, tempDir, writeConfig } from './run_support.mjs';
import { icebirdRows, mergeOnRead } from './iceberg_support.mjs';

const DB = `iceberg_types_${process.pid}`;
const work = tempDir('iceberg-types');

const F6 = "'%Y-%m-%d %H:%i:%s.%f'";
// name, SQL type, the server expression giving the text the Iceberg table must hold (`c` is
// the column; NULL where binlake writes NULL), how to compare, and whether icebird is exact.
const C = (name, type, expr, cmp = 'exact', icebird = false) => ({
  name, type, expr: expr.replace(/\bc\b/g, `\`${name}\``), cmp, icebird,
});
const COLUMNS = [
  C('i8', 'TINYINT', 'c', 'exact', true), C('u8', 'TINYINT UNSIGNED', 'c', 'exact', true),
  C('i16', 'SMALLINT', 'c', 'exact', true), C('u16', 'SMALLINT UNSIGNED', 'c', 'exact', true),
  C('i24', 'MEDIUMINT', 'c', 'exact', true), C('u24', 'MEDIUMINT UNSIGNED', 'c', 'exact', true),
  C('i32', 'INT', 'c', 'exact', true), C('u32', 'INT UNSIGNED', 'c', 'exact', true),
  C('i64', 'BIGINT', 'c', 'exact', true), C('u64', 'BIGINT UNSIGNED', 'c'),
  C('dec10', 'DECIMAL(10,2)', 'c'), C('dec38', 'DECIMAL(38,10)', 'c'),
  C('dec65', 'DECIMAL(65,30)', 'c', 'exact', true),
  C('f', 'FLOAT', 'c', 'float'), C('d', 'DOUBLE', 'c', 'double'),
  C('bit1', 'BIT(1)', "IF(c IS NULL, NULL, IF(c = b'1', 'true', 'false'))"), C('bit9', 'BIT(9)', 'c + 0'),
  C('bit64', 'BIT(64)', 'c + 0'), C('yr', 'YEAR', 'c + 0', 'exact', true),
  C('dt', 'DATE', "IF(MONTH(c) = 0 OR DAYOFMONTH(c) = 0, NULL, c)"),
  C('tm', 'TIME(6)', 'c', 'exact', true), C('tm0', 'TIME', 'c', 'exact', true),
  C('dtm', 'DATETIME(6)', `IF(MONTH(c) = 0, NULL, DATE_FORMAT(c, ${F6}))`),
  C('dtm3', 'DATETIME(3)', `DATE_FORMAT(c, ${F6})`),
  C('ts', 'TIMESTAMP(6) NULL DEFAULT NULL', `IF(UNIX_TIMESTAMP(c) = 0, NULL, DATE_FORMAT(c, ${F6}))`),
  C('vc', 'VARCHAR(200) CHARACTER SET utf8mb4', 'c', 'exact', true),
  C('tx_l', 'TEXT CHARACTER SET latin1', 'c', 'exact', true),
  C('bn', 'BINARY(4)', 'HEX(c)'), C('bl', 'BLOB', 'HEX(c)'),
  C('en', "ENUM('a','b','c')", 'c', 'exact', true), C('st', "SET('x','y','z')", 'c', 'exact', true),
  C('js', 'JSON', 'c', 'exact', true), C('geo', 'GEOMETRY', 'HEX(ST_AsWKB(c))'),
];

const ROWS = [
  [1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, '-9223372036854775808', 0,
    '-99999999.99', `-${'9'.repeat(28)}.${'9'.repeat(10)}`, `-${'9'.repeat(35)}.${'9'.repeat(30)}`,
    '-3.40282e38', '-1.7976931348623157e308', "b'0'", "b'0'", "b'0'", 1901, "'1000-01-01'",
    "'-838:59:59.999999'", "'-838:59:59'", "'1000-01-01 00:00:00.000001'",
    "'1000-01-01 00:00:00.001'", "'1970-01-01 00:00:01.000001'", "''", "''", "x'00000000'",
    "x''", "'a'", "''", "'[]'", "ST_GeomFromText('POINT(0 0)')"],
  [2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, '9223372036854775807',
    '18446744073709551615', '99999999.99', `${'9'.repeat(28)}.${'9'.repeat(10)}`,
    `${'9'.repeat(35)}.${'9'.repeat(30)}`, '3.40282e38', '1.7976931348623157e308', "b'1'",
    "b'111111111'", '0xFFFFFFFFFFFFFFFF', 2155, "'9999-12-31'", "'838:59:59.999999'",
    "'838:59:59'", "'9999-12-31 23:59:59.999999'", "'9999-12-31 23:59:59.999'",
    "'2038-01-19 03:14:07.999999'", "'Zoë 😀 李'", "'Ærø café'", "x'FFFFFFFF'", "x'00FF10'",
    "'c'", "'x,y,z'", `'{"a": [1, "b", null], "c": {"d": 1.5}}'`,
    "ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')"],
  [3, ...COLUMNS.slice(0, -1).map(() => 'NULL'), 'NULL'],
];

async function expected() {
  const exprs = COLUMNS.map((c) => c.expr);
  const rows = await sql(`SET time_zone = '+00:00';
    SELECT id, ${exprs.join(', ')} FROM ${DB}.t ORDER BY id`);
  return rows;
}

function same(cmp, got, want) {
  if (got === null || want === null) return got === want;
  if (cmp === 'float') return Math.fround(Number(got)) === Math.fround(Number(want));
  if (cmp === 'double') return Number(got) === Number(want);
  return String(got) === String(want);
}

async function check(lakeDir, label) {
  const want = await expected();
  const dir = join(lakeDir, 'iceberg', DB, 't');
  const mor = await mergeOnRead(dir);
  const got = mor.rows.sort((a, b) => Number(a.id) - Number(b.id));
  assert.deepEqual(got.map((r) => String(r.id)), want.map((r) => r[0]), `${label}: row ids`);
  for (let i = 0; i < want.length; ++i) {
    COLUMNS.forEach((c, j) => {
      const w = want[i][j + 1];
      const g = got[i][c.name];
      assert.ok(same(c.cmp, g, w), `${label}: row ${want[i][0]} column ${c.name} (${c.type}): ` +
        `merge-on-read has ${JSON.stringify(g)}, the server ${JSON.stringify(w)}`);
    });
  }
  const ice = (await icebirdRows(dir)).sort((a, b) => Number(a.id) - Number(b.id));
  assert.equal(ice.length, want.length, `${label}: icebird row count`);
  for (let i = 0; i < want.length; ++i) {
    for (const [j, c] of COLUMNS.entries()) {
      if (!c.icebird) continue;
      const w = want[i][j + 1];
      const v = ice[i][c.name];
      const g = v === null || v === undefined ? null : String(v);
      assert.equal(g, w, `${label}: icebird row ${want[i][0]} column ${c.name}`);
    }
  }
}

after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
});

test('every type at its edges reaches the Iceberg table exactly (full load and CDC)', async () => {
  const cols = COLUMNS.map((c) => `\`${c.name}\` ${c.type}`).join(', ');
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.t (id INT PRIMARY KEY, ${cols});
    INSERT INTO ${DB}.t VALUES (${ROWS[0].join(', ')})`);
  const lake = await localLake(join(work, 'lake'));
  const config = writeConfig(join(work, 'config'), DB, {
    lake, extra: { full_load: true, iceberg: { enabled: true, commit_interval: '100ms' } },
  });
  await runBinlake(config, { check: true });
  await check(lake.dir, 'full load');

  await sql(`SET SESSION sql_mode = 'ALLOW_INVALID_DATES';
    INSERT INTO ${DB}.t VALUES (${ROWS[1].join(', ')}), (${ROWS[2].join(', ')});
    UPDATE ${DB}.t SET i32 = i32 + 1, vc = CONCAT(vc, '!') WHERE id = 1;
    INSERT INTO ${DB}.t (id, dt, dtm) VALUES (4, '2024-00-10', '0000-00-00 00:00:00');
    INSERT INTO ${DB}.t (id) VALUES (5); DELETE FROM ${DB}.t WHERE id = 5`);
  await runBinlake(config, { check: true });
  await check(lake.dir, 'CDC');
  rmSync(work, { recursive: true, force: true });
});
