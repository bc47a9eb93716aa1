// kill -9 at each named step of the commit protocols, in turn: binlake kills itself
// (BINLAKE_CRASH_AT, src/common/crash_point.h) right after a step becomes durable, then a
// second run catches up. Steps: the change log's intent, schema record, data file and
// checkpoint (docs/checkpoint-format.md); an Iceberg commit's data and delete files,
// manifests, manifest list, metadata file, the commit before the key index follows it, and
// the recorded position (docs/iceberg.md); a prepared XA transaction's parked rows. After
// each, the change log must be byte for byte that of an uninterrupted run, the Iceberg tables
// must equal the source, and no parked XA rows may be left.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { sql } from '../lib/rig.mjs';
import { mergeOnRead } from './iceberg_support.mjs';
import {
  lakeObjects, localLake, readCsvChanges, replayChangeLog, runBinlake, sourceLines, tempDir,
  writeConfig,
} from './run_support.mjs';

const DB = `crash_points_${process.pid}`;
const work = tempDir('crash-points');
const TABLES = { a: ['id', 'n', 's', 'note'], b: ['k', 'v'] };
// "name:N": the Nth time the step is reached.
const POINTS = [
  'changelog.intent', 'changelog.schema', 'changelog.file:2', 'changelog.checkpoint:2',
  'iceberg.files', 'iceberg.manifests', 'iceberg.manifest_list', 'iceberg.metadata',
  'iceberg.committed', 'iceberg.position', 'xa.parked',
];

after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  rmSync(work, { recursive: true, force: true });
});

// Transactions of every kind on two tables, a column added half way, and an XA transaction
// committed after another transaction.
async function workload() {
  await sql(`CREATE DATABASE ${DB};
             CREATE TABLE ${DB}.a (id INT PRIMARY KEY, n BIGINT, s VARCHAR(200));
             CREATE TABLE ${DB}.b (k VARCHAR(20) PRIMARY KEY, v BIGINT)`);
  const stmts = [];
  for (let i = 0; i < 60; ++i) {
    stmts.push(`INSERT INTO ${DB}.a (id, n, s) VALUES (${i}, ${i * 7}, REPEAT('r${i}', 20))`);
    stmts.push(`INSERT INTO ${DB}.b VALUES ('k${i % 25}', ${i})
                ON DUPLICATE KEY UPDATE v = v + ${i}`);
    if (i % 4 === 3) stmts.push(`UPDATE ${DB}.a SET n = -n WHERE id = ${i - 2}`);
    if (i % 9 === 8) stmts.push(`DELETE FROM ${DB}.a WHERE id = ${i - 5}`);
    if (i === 30) stmts.push(`ALTER TABLE ${DB}.a ADD COLUMN note VARCHAR(20)`);
    if (i > 30 && i % 5 === 0) stmts.push(`UPDATE ${DB}.a SET note = 'n${i}' WHERE id < ${i}`);
  }
  await sql(`${stmts.join(';\n')};`);
  await sql(`XA START 'crash_points'; INSERT INTO ${DB}.a VALUES (1000, 1, 'xa', 'xa');
             UPDATE ${DB}.b SET v = 0 WHERE k = 'k1'; XA END 'crash_points';
             XA PREPARE 'crash_points'`);
  await sql(`INSERT INTO ${DB}.a VALUES (1001, 2, 'between', NULL)`);
  await sql("XA COMMIT 'crash_points'");
  await sql(`UPDATE ${DB}.a SET s = 'last' WHERE id = 1000`);
}

function lakeConfig(name, start) {
  return localLake(join(work, name, 'lake')).then((lake) => ({
    lake,
    path: writeConfig(join(work, name), DB, {
      lake,
      start,
      output: {
        format: 'csv', cdc_max_batch_interval: '1h', cdc_min_file_size: '2KB',
        timestamp_column_name: 'ts', sequence_column_name: 'seq',
      },
      extra: { iceberg: { enabled: true } },
    }),
  }));
}

const changeLog = (objects) => new Map([...objects].filter(
    ([k]) => !k.startsWith('_binlake/') && !k.startsWith('iceberg/')));

function parkedXa(dir) {
  const root = join(dir, '_binlake', 'xa');
  return existsSync(root) ? readdirSync(root, { recursive: true }) : [];
}

test('kill -9 right after each durable step of a commit: the next run completes it exactly',
    async (t) => {
      await sql(`DROP DATABASE IF EXISTS ${DB}`);
      const [[file, pos]] = await sql('SHOW MASTER STATUS');
      const start = { file, pos: Number(pos) };
      await workload();
      const want = {};
      for (const [table, columns] of Object.entries(TABLES)) {
        want[table] = await sourceLines(DB, table, columns);
      }

      const reference = await lakeConfig('reference', start);
      await runBinlake(reference.path, { check: true });
      const clean = changeLog(await lakeObjects(reference.lake));
      assert.ok(clean.size >= 6, `several batches: ${[...clean.keys()].join(', ')}`);

      for (const point of POINTS) {
        const l = await lakeConfig(point.replace(':', '-'), start);
        const crashed = await runBinlake(l.path, { env: { BINLAKE_CRASH_AT: point } });
        assert.equal(crashed.signal, 'SIGKILL', `${point}: not reached?\n${crashed.stderr}`);
        assert.match(crashed.stderr, new RegExp(`crash point ${point.split(':')[0]} `));
        const resumed = await runBinlake(l.path, { check: true });
        const objects = await lakeObjects(l.lake);
        const log = changeLog(objects);
        assert.deepEqual([...log.keys()], [...clean.keys()], `${point}: the same change files`);
        for (const [key, bytes] of clean) {
          assert.ok(log.get(key).equals(bytes), `${point}: ${key} differs`);
        }
        // The change files of a have two shapes (the column added half way); b's replay.
        assert.deepEqual(await replayChangeLog(objects, DB, 'b', TABLES.b, { strict: true }),
            want.b, `${point}: b change log replayed`);
        for (const [table, columns] of Object.entries(TABLES)) {
          const { rows } = await mergeOnRead(join(l.lake.dir, 'iceberg', DB, table));
          const got = rows.map((r) => columns.map((c) => (r[c] ?? '').toString()).join('|'));
          assert.deepEqual(got.sort(), want[table], `${point}: ${table} Iceberg table`);
        }
        assert.deepEqual(parkedXa(l.lake.dir), [], `${point}: parked XA rows dropped`);
        const replayed = /was interrupted before its checkpoint/.test(resumed.stderr);
        t.diagnostic(`${point}: killed, resumed${replayed ? ', interrupted batch completed' : ''}`);
      }
    });

test('kill -9 right after each durable step of a full load: it resumes with every row once',
    async (t) => {
      const db = `${DB}_load`;
      const columns = ['id', 'n', 's'];
      await sql(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db};
                 CREATE TABLE ${db}.c (id INT PRIMARY KEY, n INT, s VARCHAR(100));
                 INSERT INTO ${db}.c SELECT seq, seq % 13, REPEAT('x', seq % 90)
                   FROM ${db}.seq_1_to_3000`);
      try {
        for (const point of ['load.record:3', 'load.file:3']) {
          const dir = join(work, `load-${point.replace(':', '-')}`);
          const lake = await localLake(join(dir, 'lake'));
          const path = writeConfig(dir, db, {
            lake,
            output: {
              format: 'csv', include_op_for_full_load: true, timestamp_column_name: 'ts',
              sequence_column_name: 'seq',
            },
            extra: { full_load: { threads: 1, chunk_rows: 500 } },
          });
          const crashed = await runBinlake(path, { env: { BINLAKE_CRASH_AT: point } });
          assert.equal(crashed.signal, 'SIGKILL', `${point}: not reached?\n${crashed.stderr}`);
          await sql(`UPDATE ${db}.c SET n = -1 WHERE id % 100 = 1`);
          const resumed = await runBinlake(path, { check: true });
          assert.match(resumed.stderr, /resuming the full load after [\d,]+ rows/);
          const objects = await lakeObjects(lake);
          const loads = [...objects.keys()].filter((k) => /\/LOAD[0-9A-F]{8}\.csv$/.test(k));
          const keys = (await readCsvChanges(objects, loads, ['Op', 'ts', 'seq', ...columns]))
              .map((r) => r.id);
          assert.equal(new Set(keys).size, keys.length, `${point}: every key in one LOAD row`);
          assert.equal(keys.length, 3000, `${point}: every row loaded`);
          assert.deepEqual(await replayChangeLog(objects, db, 'c', columns),
              await sourceLines(db, 'c', columns), `${point}: LOAD + change log vs source`);
          t.diagnostic(`${point}: killed, resumed, ${loads.length} LOAD files`);
        }
      } finally {
        await sql(`DROP DATABASE IF EXISTS ${db}`);
      }
    });
