// Schema changes mid-stream reach the Iceberg tables: ADD, RENAME (keeps its values in older
// files), widening MODIFY (same field id), an incompatible MODIFY (the table is loaded again),
// DROP COLUMN, RENAME TABLE (the new name holds the rows, the old one is emptied) and DROP
// TABLE. After each step the table read by merge-on-read (avsc + DuckDB) equals SELECT *.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { sql } from '../lib/rig.mjs';
import { localLake, runBinlake, tempDir, writeConfig } from './run_support.mjs';
import { assertNoOrphans, icebirdRows, mergeOnRead } from './iceberg_support.mjs';

const DB = `iceberg_ddl_${process.pid}`;
const work = tempDir('iceberg-ddl');

after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
});

async function sourceTable(table) {
  const cols = (await sql(`SELECT COLUMN_NAME FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = '${DB}' AND TABLE_NAME = '${table}' ORDER BY ORDINAL_POSITION`))
    .map((r) => r[0]);
  const rows = await sql(`SELECT ${cols.map((c) => `\`${c}\``).join(', ')} FROM ${DB}.\`${table}\``);
  return { cols, rows: rows.map((r) => r.map((v) => (v === null ? 'NULL' : v)).join('|')).sort() };
}

async function assertMatches(lakeDir, table, label) {
  const dir = join(lakeDir, 'iceberg', DB, table);
  const { cols, rows } = await sourceTable(table);
  const mor = await mergeOnRead(dir);
  const fields = mor.metadata.schemas
    .find((s) => s['schema-id'] === mor.metadata['current-schema-id']).fields.map((f) => f.name);
  assert.deepEqual(fields, cols, `${label}: the Iceberg schema's columns`);
  const got = mor.rows.map((r) => cols.map((c) => (r[c] === null ? 'NULL' : r[c])).join('|')).sort();
  assert.deepEqual(got, rows, `${label}: rows`);
  assert.equal((await icebirdRows(dir)).length, rows.length, `${label}: icebird row count`);
  return mor;
}

test('schema changes mid-stream keep every Iceberg table equal to the source', async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.t (id INT PRIMARY KEY, v INT, s VARCHAR(20));
    INSERT INTO ${DB}.t VALUES (1, 10, 'a'), (2, 20, 'b'), (3, NULL, 'c')`);
  const lake = await localLake(join(work, 'lake'));
  const config = writeConfig(join(work, 'config'), DB, {
    lake,
    extra: {
      full_load: true,
      iceberg: { enabled: true, commit_interval: '100ms', orphan_file_age: '0s' },
    },
  });
  const step = async (label, statements) => {
    if (statements) await sql(statements, { database: DB });
    await runBinlake(config, { check: true });
  };

  await step('load');
  const first = await assertMatches(lake.dir, 't', 'after the load');
  const idOf = (mor, name) => mor.metadata.schemas
    .find((s) => s['schema-id'] === mor.metadata['current-schema-id'])
    .fields.find((f) => f.name === name).id;
  const sId = idOf(first, 's');
  const vId = idOf(first, 'v');

  await step('add', `ALTER TABLE t ADD COLUMN x DECIMAL(5,2) DEFAULT 1.50;
    INSERT INTO t VALUES (4, 40, 'd', 2.25); UPDATE t SET v = 11 WHERE id = 1`);
  await assertMatches(lake.dir, 't', 'ADD COLUMN');

  await step('rename column', `ALTER TABLE t RENAME COLUMN s TO s2; UPDATE t SET v = 21 WHERE id = 2`);
  let mor = await assertMatches(lake.dir, 't', 'RENAME COLUMN');
  assert.equal(idOf(mor, 's2'), sId, 'a renamed column keeps its field id');

  await step('widen', `ALTER TABLE t MODIFY v BIGINT; INSERT INTO t VALUES (5, 5000000000, 'e', 0)`);
  mor = await assertMatches(lake.dir, 't', 'MODIFY INT to BIGINT');
  assert.equal(idOf(mor, 'v'), vId, 'a widened column keeps its field id');

  await step('retype', `ALTER TABLE t MODIFY x VARCHAR(10); UPDATE t SET x = 'text' WHERE id = 5`);
  await assertMatches(lake.dir, 't', 'MODIFY DECIMAL to VARCHAR (loaded again)');

  await step('drop column', `ALTER TABLE t DROP COLUMN v; DELETE FROM t WHERE id = 3`);
  await assertMatches(lake.dir, 't', 'DROP COLUMN');

  await step('truncate', `TRUNCATE TABLE t; INSERT INTO t VALUES (9, 'z', NULL)`);
  await assertMatches(lake.dir, 't', 'TRUNCATE');

  await step('rename table', `RENAME TABLE t TO t2; INSERT INTO t2 VALUES (10, 'y', 'w')`);
  await assertMatches(lake.dir, 't2', 'RENAME TABLE: the new name');
  assert.deepEqual((await mergeOnRead(join(lake.dir, 'iceberg', DB, 't'))).rows, [],
    'RENAME TABLE: the old name is emptied');

  await step('drop table', 'DROP TABLE t2');
  assert.deepEqual((await mergeOnRead(join(lake.dir, 'iceberg', DB, 't2'))).rows, [],
    'DROP TABLE empties the table');
  await step('cleanup');
  await assertNoOrphans(join(lake.dir, 'iceberg', DB, 't2'));
  rmSync(work, { recursive: true, force: true });
});
