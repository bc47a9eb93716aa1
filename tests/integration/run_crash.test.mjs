// Exactly-once under kill -9: a write workload runs while binlake is killed at random
// moments and restarted; then a final `binlake run --stop-at-end` catches up. A second,
// uninterrupted run over the same binlog range into a fresh lake must write exactly the same
// objects, byte for byte, and replaying the change log must give the source tables' rows.
//
// Batch boundaries depend only on the binlog here (docs/checkpoint-format.md): a 1 h
// cdc_max_batch_interval never closes a batch for being idle during the test, and an 8 KB
// cdc_min_file_size closes many batches by size.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { sql } from '../lib/rig.mjs';
import {
  lakeObjects, localLake, nextIntent, prng, readCsvChanges, runBinlake, startBinlake,
  tableFiles, tempDir, writeConfig,
} from './run_support.mjs';

const DB = `run_crash_${process.pid}`;
const work = tempDir('run-crash');
const SEED = Number(process.env.RUN_CRASH_SEED ?? Date.now() % 1000000);
const MIN_KILLS = 12;
const ROUNDS = 30;

const TABLES = {
  a: { columns: ['id', 'n', 's'], key: 'id' },
  b: { columns: ['k', 'v', 'note'], key: 'k' },
};

// One round of the workload as one SQL script: many small transactions (autocommit
// statements and short multi-statement ones), and every fifth round one big transaction.
function roundSql(round, rand) {
  const pick = (n) => Math.floor(rand() * n);
  const stmts = [];
  const one = () => {
    const id = 1 + pick(400);
    const k = `k${pick(150)}`;
    switch (pick(7)) {
      case 0:
      case 1:
        return `INSERT INTO ${DB}.a VALUES (${id}, ${pick(1000)}, 'r${round}-${pick(99)}')
                ON DUPLICATE KEY UPDATE n = n + 1, s = CONCAT(LEFT(s, 50), 'u')`;
      case 2:
        return `UPDATE ${DB}.a SET n = n * 2 + 1, s = CONCAT(LEFT(s, 50), ',"q"') WHERE id = ${id}`;
      case 3:
        return `DELETE FROM ${DB}.a WHERE id = ${id}`;
      case 4:
        return `REPLACE INTO ${DB}.b VALUES ('${k}', ${pick(1e9)} - 500000000,
                ${pick(3) === 0 ? 'NULL' : `'note ${round}\n${pick(9)}'`})`;
      case 5:
        return `UPDATE ${DB}.b SET v = v + 1 WHERE k = '${k}'`;
      default:
        return `DELETE FROM ${DB}.b WHERE k = '${k}'`;
    }
  };
  for (let i = 0; i < 60; ++i) {
    if (pick(5) === 0) {
      stmts.push(`BEGIN; ${one()}; ${one()}; ${one()}; COMMIT`);
    } else {
      stmts.push(one());
    }
  }
  if (round % 5 === 2) {
    const base = 100000 + round * 10000;
    stmts.push(`BEGIN;
      INSERT INTO ${DB}.a SELECT ${base} + seq, seq, REPEAT('big', 1 + seq % 7) FROM seq_1_to_2500;
      UPDATE ${DB}.b SET v = v - 7, note = CONCAT(IFNULL(note, ''), '+');
      DELETE FROM ${DB}.a WHERE id > ${base} AND id <= ${base} + 400;
      COMMIT`);
  }
  return `${stmts.join(';\n')};`;
}

after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
});

test(`kill -9 at random moments leaves exactly the objects of an uninterrupted run (seed ${SEED})`,
    async (t) => {
      await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
                 CREATE TABLE ${DB}.a (id INT PRIMARY KEY, n BIGINT, s VARCHAR(200));
                 CREATE TABLE ${DB}.b (k VARCHAR(20) PRIMARY KEY, v BIGINT, note TEXT)`);
      const output = {
        format: 'csv', cdc_max_batch_interval: '1h', cdc_min_file_size: '8KB',
        timestamp_column_name: 'ts', sequence_column_name: 'seq',
      };
      const lake1 = await localLake(join(work, 'crashed'));
      // Both lakes begin at this position, with no run before the workload: a --stop-at-end
      // run would close a batch of other tests' transactions there (they share the server)
      // and so move the window names of the rest.
      const [[file, pos]] = await sql('SHOW MASTER STATUS');
      const start = { file, offset: Number(pos) };
      const config1 = writeConfig(join(work, 'crashed-config'), DB, {
        lake: lake1, output, start: { file, pos: Number(pos) },
      });

      const rand = prng(SEED);
      let workloadDone = false;
      const workload = (async () => {
        try {
          for (let round = 0; round < ROUNDS; ++round) {
            await sql(roundSql(round, rand), { database: DB });
            await sleep(50 + Math.floor(rand() * 200));
          }
        } finally {
          workloadDone = true;
        }
      })();
      workload.catch(() => {});  // awaited below, after the kill loop stops
      const killRand = prng(SEED + 1);
      let kills = 0;
      let replays = 0;
      while (!workloadDone || kills < MIN_KILLS) {
        const run = startBinlake(config1);
        if (kills % 2 === 0) {
          await sleep(100 + Math.floor(killRand() * 1400));
        } else {
          // Right after the next intent appears: while its batch's files are being written,
          // so the restart has to complete an interrupted batch.
          await nextIntent(lake1.dir, 1500);
        }
        run.child.kill('SIGKILL');
        const e = await run.exited;
        if (/was interrupted before its checkpoint/.test(run.stderr())) ++replays;
        if (e.signal === 'SIGKILL') {
          ++kills;
        } else {
          assert.fail(`binlake exited by itself (${e.code}) while running:\n${run.stderr()}`);
        }
      }
      await workload;
      const final = await runBinlake(config1, { check: true });
      assert.doesNotMatch(final.stderr, /different contents/);

      const lake2 = await localLake(join(work, 'uninterrupted'));
      const config2 = writeConfig(join(work, 'uninterrupted-config'), DB, {
        lake: lake2, output, start: { file: start.file, pos: start.offset },
      });
      await runBinlake(config2, { check: true });

      const crashed = await lakeObjects(lake1);
      const clean = await lakeObjects(lake2);
      const data = (objects) => [...objects.keys()].filter((k) => !k.startsWith('_binlake/'));
      assert.ok(kills >= MIN_KILLS);
      assert.ok(data(clean).length >= 6,
          `the workload should span several batches, got ${data(clean).join(', ')}`);
      t.diagnostic(`${kills} kills, ${replays} restarts completed an interrupted batch, ` +
          `${data(clean).length} data files`);
      assert.deepEqual(data(crashed), data(clean), 'the same object keys');
      for (const key of data(clean)) {
        assert.ok(crashed.get(key).equals(clean.get(key)), `${key} differs between the runs`);
      }

      // The change log replayed in sequence order gives each table's current rows.
      for (const [table, { columns, key }] of Object.entries(TABLES)) {
        const rows = await readCsvChanges(crashed, tableFiles(crashed, DB, table),
            ['Op', 'ts', 'seq', ...columns]);
        const seqs = rows.map((r) => r.seq);
        assert.equal(new Set(seqs).size, seqs.length, `${table}: every change once`);
        rows.sort((x, y) => (x.seq < y.seq ? -1 : x.seq > y.seq ? 1 : 0));
        const state = new Map();
        for (const r of rows) {
          if (r.Op === 'D') {
            assert.ok(state.has(r[key]), `${table}: delete of ${r[key]} that is not there`);
            state.delete(r[key]);
          } else {
            assert.equal(state.has(r[key]), r.Op === 'U', `${table}: ${r.Op} of ${r[key]}`);
            state.set(r[key], columns.map((c) => r[c]));
          }
        }
        const source = await sql(`SELECT ${columns.join(', ')} FROM ${DB}.${table}`);
        const sortRows = (list) => list.map((r) => JSON.stringify(r)).sort();
        assert.deepEqual(sortRows([...state.values()]), sortRows(source),
            `${table}: replayed change log vs source`);
      }
      rmSync(work, { recursive: true, force: true });
    });
