// output.cdc_path and output.preserve_transactions through `binlake run` on the rig MariaDB:
// - with preserve_transactions, a multi-table workload (transactions touching several tables,
//   tables interleaved inside them, multi-row statements, a key move, NULLs) lands in
//   <cdc_path>/CDC_TXN-*.csv|json only, and the rows read back by DuckDB from those files, in
//   file order, are exactly the changes of the statements run, in the order run, each naming
//   its table and schema; CSV rows are ragged (each has its table's columns);
// - the stream is exactly once: binlake killed with kill -9 again and again while the
//   workload runs leaves the very objects of one uninterrupted run, stream parts split by
//   max_file_size included;
// - with cdc_path alone, LOAD files stay in <schema>/<table>/ and CDC files move under
//   <cdc_path>/<schema>/<table>/.

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { duckdb, sql } from '../lib/rig.mjs';
import {
  lakeObjects, localLake, nextIntent, readCsvChanges, runBinlake, startBinlake, tempDir,
  writeConfig,
} from './run_support.mjs';

const work = tempDir('cdc-path');
after(() => rmSync(work, { recursive: true, force: true }));

// Columns of each table, in table order.
const TABLES = {
  a: ['id', 'v'],
  b: ['id', 'x', 'note'],
  c: ['k'],
};

function sqlValue(v) {
  if (v === null) return 'NULL';
  return typeof v === 'number' ? String(v) : `'${v}'`;
}

/**
 * Runs the workload and returns the changes it makes, in binlog order, as
 * [op, table, ...values as text or null]: updates carry the after-image, deletes the
 * before-image, an update that moves a key is a delete and an insert (docs/object-layout.md).
 */
async function workload(db) {
  const want = [];
  const asText = (v) => (v === null ? null : String(v));
  const row = (op, t, values) => want.push([op, t, ...values.map(asText)]);
  const insert = (t, ...rows) => {
    for (const r of rows) row('I', t, r);
    const tuples = rows.map((r) => `(${r.map(sqlValue).join(', ')})`);
    return `INSERT INTO ${db}.${t} VALUES ${tuples.join(', ')};`;
  };
  let text = '';
  // Autocommit statements on alternating tables.
  text += insert('a', [1, 'one']);
  text += insert('b', [10, 100, 'ten']);
  text += insert('c', ['k1']);
  // One transaction interleaving the three tables, with multi-row statements.
  text += 'BEGIN;';
  text += insert('b', [11, 110, null], [12, 120, 'twelve']);
  text += insert('a', [2, 'two'], [3, 'three']);
  text += insert('c', ['k2']);
  text += `UPDATE ${db}.b SET x = x + 1 WHERE id <= 11 ORDER BY id;`;
  row('U', 'b', [10, 101, 'ten']);
  row('U', 'b', [11, 111, null]);
  text += insert('a', [4, 'four']);
  text += 'COMMIT;';
  // Deletes (before-images) and a key move, across tables in one transaction.
  text += 'BEGIN;';
  text += `DELETE FROM ${db}.a WHERE id = 2;`;
  row('D', 'a', [2, 'two']);
  text += `UPDATE ${db}.c SET k = 'k9' WHERE k = 'k1';`;
  row('D', 'c', ['k1']);
  row('I', 'c', ['k9']);
  text += `UPDATE ${db}.a SET v = 'uno' WHERE id = 1;`;
  row('U', 'a', [1, 'uno']);
  text += `DELETE FROM ${db}.b WHERE id = 12;`;
  row('D', 'b', [12, 120, 'twelve']);
  text += 'COMMIT;';
  // More autocommit transactions, one table after another.
  for (let i = 0; i < 5; ++i) {
    text += insert('c', [`m${i}`]);
    text += insert('a', [100 + i, `a${i}`]);
    text += `UPDATE ${db}.b SET note = 'n${i}' WHERE id = 10;`;
    row('U', 'b', [10, 101, `n${i}`]);
  }
  await sql(text);
  return want;
}

async function createTables(db) {
  await sql(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db};
    CREATE TABLE ${db}.a (id INT PRIMARY KEY, v VARCHAR(30));
    CREATE TABLE ${db}.b (id INT PRIMARY KEY, x INT, note VARCHAR(30));
    CREATE TABLE ${db}.c (k VARCHAR(10) PRIMARY KEY);`);
}

/** The data objects (not _binlake/) of a lake, in key order. */
function dataKeys(objects) {
  return [...objects.keys()].filter((k) => !k.startsWith('_binlake/'));
}

/** Rows of the CSV stream files in file then line order, as [op, table, schema, ...values]. */
async function readCsvStream(objects, keys) {
  const dir = tempDir('csv-stream');
  try {
    const rows = [];
    for (const key of keys) {
      const path = join(dir, key.replaceAll('/', '_'));
      writeFileSync(path, objects.get(key));
      // Ragged rows: a row with fewer fields than the widest table gets NULL padding.
      const got = await duckdb(
          `SELECT * FROM read_csv('${path}', header=false, auto_detect=false, delim=',',
             quote='"', escape='"', null_padding=true, parallel=false,
             columns={'op': 'VARCHAR', 't': 'VARCHAR', 's': 'VARCHAR', 'c1': 'VARCHAR',
                      'c2': 'VARCHAR', 'c3': 'VARCHAR'})`);
      for (const r of got) rows.push(r.slice(0, 3 + TABLES[r[1]].length));
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows of the JSON-lines stream files, as [op, table, schema, ...data values as text]. */
async function readJsonStream(objects, keys) {
  const dir = tempDir('json-stream');
  try {
    const rows = [];
    for (const key of keys) {
      const path = join(dir, key.replaceAll('/', '_'));
      writeFileSync(path, objects.get(key));
      const got = await duckdb(
          `SELECT op, "table", "schema", CAST(data AS VARCHAR) FROM read_json('${path}',
             format='newline_delimited', columns={op: 'VARCHAR', "schema": 'VARCHAR',
             "table": 'VARCHAR', data: 'JSON'})`);
      for (const [op, t, s, data] of got) {
        const d = JSON.parse(data);
        assert.deepEqual(Object.keys(d), TABLES[t], `data keys of a ${t} row`);
        rows.push([op, t, s, ...TABLES[t].map((c) => (d[c] === null ? null : String(d[c])))]);
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('preserve_transactions: one stream of all tables in exact binlog order, CSV and JSON lines',
    async () => {
      const db = `cdc_stream_${process.pid}`;
      await createTables(db);
      const lakes = {};
      for (const format of ['csv', 'jsonl']) {
        const lake = await localLake(join(work, `lake-${format}`));
        const config = writeConfig(join(work, `cfg-${format}`), db, {
          lake, output: { format, cdc_path: 'changes/', preserve_transactions: true },
        });
        lakes[format] = { lake, config };
        // An empty lake starts at the current binlog end.
        await runBinlake(config, { check: true });
      }
      const want = (await workload(db)).map(([op, t, ...v]) => [op, t, db, ...v]);
      for (const { config } of Object.values(lakes)) await runBinlake(config, { check: true });

      for (const [format, { lake }] of Object.entries(lakes)) {
        const objects = await lakeObjects(lake);
        const keys = dataKeys(objects);
        const ext = format === 'csv' ? 'csv' : 'json';
        assert.ok(keys.length >= 1, `${format}: no stream file`);
        for (const k of keys) {
          assert.match(k, new RegExp(`^changes/CDC_TXN-\\d{17}(-\\d{4})?\\.${ext}$`),
                       `${format}: only stream files, got ${keys.join(', ')}`);
        }
        const got = format === 'csv' ? await readCsvStream(objects, keys)
                                     : await readJsonStream(objects, keys);
        assert.deepEqual(got, want, `${format}: rows in the order the statements ran`);
        if (format === 'csv') {
          // Ragged as DMS: each line has Op, table, schema and its own table's columns.
          const lines = keys.flatMap(
              (k) => objects.get(k).toString('utf8').split('\n').slice(0, -1));
          assert.deepEqual(lines.map((l) => l.split(',').length),
                           want.map((r) => 3 + TABLES[r[1]].length));
          assert.equal(lines[0], `I,a,${db},1,one`);
          assert.equal(lines[3], `I,b,${db},11,110,`, 'NULL is an empty unquoted field');
        }
      }
      await sql(`DROP DATABASE ${db}`);
    });

test('cdc_path alone: LOAD files stay in <schema>/<table>/, CDC files move under cdc_path',
    async () => {
      const db = `cdc_path_${process.pid}`;
      await createTables(db);
      await sql(`INSERT INTO ${db}.a VALUES (1, 'one'), (2, 'two');
        INSERT INTO ${db}.c VALUES ('k1')`);
      const lake = await localLake(join(work, 'lake-path'));
      const config = writeConfig(join(work, 'cfg-path'), db, {
        lake, output: { format: 'csv', cdc_path: 'raw/cdc' }, extra: { full_load: true },
      });
      await runBinlake(config, { check: true });
      let objects = await lakeObjects(lake);
      const loads = dataKeys(objects);
      for (const k of loads) assert.match(k, new RegExp(`^${db}/[abc]/LOAD[0-9A-F]{8}\\.csv$`));
      assert.equal(objects.get(`${db}/a/LOAD00000001.csv`)?.toString('utf8'), '1,one\n2,two\n');
      assert.equal(objects.get(`${db}/c/LOAD00000001.csv`)?.toString('utf8'), 'k1\n');

      await sql(`INSERT INTO ${db}.a VALUES (3, 'three'); UPDATE ${db}.c SET k = 'k2';
        INSERT INTO ${db}.b VALUES (10, 100, NULL)`);
      await runBinlake(config, { check: true });
      objects = await lakeObjects(lake);
      assert.deepEqual(dataKeys(objects).filter((k) => k.includes('/LOAD')), loads,
                       'no further LOAD file');
      const cdc = dataKeys(objects).filter((k) => !k.includes('/LOAD'));
      assert.equal(cdc.length, 3, `one CDC file per changed table: ${cdc.join(', ')}`);
      for (const [i, t] of ['a', 'b', 'c'].entries()) {
        assert.match(cdc[i], new RegExp(`^raw/cdc/${db}/${t}/\\d{8}-\\d{9}\\.csv$`));
      }
      assert.deepEqual(await readCsvChanges(objects, [cdc[0]], ['Op', 'id', 'v']),
                       [{ Op: 'I', id: '3', v: 'three' }]);
      assert.deepEqual(await readCsvChanges(objects, [cdc[1]], ['Op', 'id', 'x', 'note']),
                       [{ Op: 'I', id: '10', x: '100', note: null }]);
      assert.deepEqual(await readCsvChanges(objects, [cdc[2]], ['Op', 'k']),
                       [{ Op: 'D', k: 'k1' }, { Op: 'I', k: 'k2' }]);
      await sql(`DROP DATABASE ${db}`);
    });

test('preserve_transactions with parquet, or without cdc_path, is refused at start', async () => {
  const db = `cdc_refused_${process.pid}`;
  const lake = await localLake(join(work, 'lake-refused'));
  const parquet = writeConfig(join(work, 'cfg-refused-parquet'), db, {
    lake, output: { format: 'parquet', cdc_path: 'changes', preserve_transactions: true },
  });
  let r = await runBinlake(parquet);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /preserve_transactions cannot be used with format parquet/);
  assert.match(r.stderr, /Use format csv or jsonl/);
  const noPath = writeConfig(join(work, 'cfg-refused-path'), db, {
    lake, output: { format: 'csv', preserve_transactions: true },
  });
  r = await runBinlake(noPath);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /preserve_transactions needs output\.cdc_path/);
  assert.deepEqual(dataKeys(await lakeObjects(lake)), [], 'nothing written');
});

test('preserve_transactions under kill -9: the objects of an uninterrupted run', async (t) => {
  const db = `cdc_stream_kill_${process.pid}`;
  await createTables(db);
  // Small files: batches close by size and stream files split between transactions.
  const output = {
    format: 'csv', cdc_path: 'changes', preserve_transactions: true, cdc_min_file_size: '3KB',
    max_file_size: '1KB',
  };
  const lake1 = await localLake(join(work, 'lake-killed'));
  // Both lakes begin at this position, with no run before the workload: a --stop-at-end run
  // would close a batch of other tests' transactions there (they share the server) and so
  // move the window names of the rest.
  const [[file, pos]] = await sql('SHOW MASTER STATUS');
  const start = { file, offset: Number(pos) };
  const config1 = writeConfig(join(work, 'cfg-killed'), db, {
    lake: lake1, output, start: { file, pos: Number(pos) },
  });

  let done = false;
  const writes = (async () => {
    try {
      for (let round = 0; round < 12; ++round) {
        const stmts = [];
        for (let i = 0; i < 25; ++i) {
          const id = round * 100 + i;
          stmts.push(`BEGIN; INSERT INTO ${db}.a VALUES (${id}, 'r${round}');
            INSERT INTO ${db}.c VALUES ('c${id}');
            UPDATE ${db}.a SET v = CONCAT(v, '+') WHERE id = ${id}; COMMIT`);
          stmts.push(`INSERT INTO ${db}.b VALUES (${id}, ${i}, NULL)`);
        }
        if (round % 3 === 1) {
          stmts.push(`INSERT INTO ${db}.b SELECT 100000 + ${round} * 1000 + seq, seq, 'big'
                      FROM seq_1_to_150`);
        }
        await sql(`${stmts.join(';\n')};`, { database: db });
        await sleep(100);
      }
    } finally {
      done = true;
    }
  })();
  writes.catch(() => {});  // awaited below
  let kills = 0;
  let replays = 0;
  while (!done || kills < 4) {
    const run = startBinlake(config1);
    if (kills % 2 === 0) {
      await sleep(150 + 300 * (kills % 3));
    } else {
      await nextIntent(lake1.dir, 1500);  // while a batch's files are being written
    }
    run.child.kill('SIGKILL');
    const e = await run.exited;
    assert.equal(e.signal, 'SIGKILL', `binlake exited by itself (${e.code}):\n${run.stderr()}`);
    if (/was interrupted before its checkpoint/.test(run.stderr())) ++replays;
    ++kills;
  }
  await writes;
  const final = await runBinlake(config1, { check: true });
  assert.doesNotMatch(final.stderr, /different contents/);

  const lake2 = await localLake(join(work, 'lake-clean'));
  const config2 = writeConfig(join(work, 'cfg-clean'), db, {
    lake: lake2, output, start: { file: start.file, pos: start.offset },
  });
  await runBinlake(config2, { check: true });
  const killed = await lakeObjects(lake1);
  const clean = await lakeObjects(lake2);
  const keys = dataKeys(clean);
  t.diagnostic(`${kills} kills, ${replays} restarts completed an interrupted batch, ` +
      `${keys.length} stream files`);
  assert.ok(keys.some((k) => /-\d{4}\.csv$/.test(k)), `a split stream file: ${keys.join(', ')}`);
  assert.ok(keys.every((k) => k.startsWith('changes/CDC_TXN-')), keys.join(', '));
  assert.deepEqual(dataKeys(killed), keys, 'the same object keys');
  for (const k of keys) assert.ok(killed.get(k).equals(clean.get(k)), `${k} differs`);
  // Every change once: 12 rounds of 25 x (2 inserts + 1 update + 1 insert), 4 x 150 inserts.
  const rows = await readCsvStream(clean, keys);
  assert.equal(rows.length, 12 * 25 * 4 + 4 * 150);
  await sql(`DROP DATABASE ${db}`);
});
