// Iceberg latest-state tables against a real MariaDB: after a full load under existing rows
// and after every round of random DML (key moves, a composite key, a table without a key, a
// large transaction, a rolled-back one, several updates of one key in one second, TRUNCATE),
// each Iceberg table equals SELECT * on the source, read two ways: icebird, and a
// merge-on-read of avsc + DuckDB that also checks field ids, manifest headers and counts.
// Then kill -9 at random moments while binlake commits under a running workload: the tables
// still equal the source, with no duplicate row.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { sql } from '../lib/rig.mjs';
import {
  localLake, prng, runBinlake, s3Lake, startBinlake, tempDir, writeConfig,
} from './run_support.mjs';
import { assertNoOrphans, icebirdRows, mergeOnRead, mirrorLake } from './iceberg_support.mjs';

const DB = `iceberg_cdc_${process.pid}`;
const work = tempDir('iceberg-cdc');
const SEED = Number(process.env.ICEBERG_SEED ?? Date.now() % 1000000);

const TABLES = {
  a: { create: 'id INT PRIMARY KEY, n BIGINT, s VARCHAR(100), d DECIMAL(10,2)', cols: ['id', 'n', 's', 'd'] },
  b: { create: 'k1 INT, k2 VARCHAR(10), v BIGINT UNSIGNED, PRIMARY KEY (k1, k2)', cols: ['k1', 'k2', 'v'] },
  c: { create: 'x INT, y VARCHAR(10)', cols: ['x', 'y'] },
};

// One text form per value: icebird gives DECIMAL(10,2) as a JavaScript number.
function canon(v, col) {
  if (v === null || v === undefined) return 'NULL';
  if (col === 'd' && typeof v === 'number') return v.toFixed(2);
  return String(v);
}
const sortRows = (rows, cols) => rows.map((r) => r.map((v, i) => canon(v, cols[i])).join('|')).sort();

async function sourceRows(db, table) {
  const cols = TABLES[table].cols;
  return sortRows(await sql(`SELECT ${cols.join(', ')} FROM ${db}.${table}`), cols);
}

async function assertTablesMatch(lakeDir, db, label) {
  for (const table of Object.keys(TABLES)) {
    const dir = join(lakeDir, 'iceberg', db, table);
    const want = await sourceRows(db, table);
    const cols = TABLES[table].cols;
    const mor = await mergeOnRead(dir);
    assert.deepEqual(sortRows(mor.rows.map((r) => cols.map((c) => r[c])), cols), want,
      `${label}: ${table} merge-on-read`);
    assert.ok(mor.summary['binlake.position'], `${label}: ${table} summary has the position`);
    // icebird (through hyparquet) gives decimals as JavaScript numbers, so BIGINT UNSIGNED
    // (decimal(20, 0)) reaches it rounded to a double: compare those through a double too.
    const ice = await icebirdRows(dir);
    const asDouble = (rows) => rows.map((line) => line.split('|')
      .map((v, i) => (cols[i] === 'v' && v !== 'NULL' ? String(Number(v)) : v)).join('|')).sort();
    assert.deepEqual(asDouble(sortRows(ice.map((r) => cols.map((c) => r[c])), cols)),
      asDouble(want), `${label}: ${table} icebird`);
  }
}

function roundSql(db, round, rand) {
  const pick = (n) => Math.floor(rand() * n);
  const stmts = [];
  const one = () => {
    const id = 1 + pick(300);
    switch (pick(10)) {
      case 0:
      case 1:
        return `INSERT INTO ${db}.a VALUES (${id}, ${pick(1e6)}, 'r${round}', ${pick(1e5)}.${pick(99)})
                ON DUPLICATE KEY UPDATE n = n + 1, s = CONCAT(LEFT(s, 60), 'u')`;
      case 2:
        return `UPDATE IGNORE ${db}.a SET id = ${1000 + pick(300)} WHERE id = ${id}`;  // key move
      case 3:
        return `DELETE FROM ${db}.a WHERE id = ${id}`;
      case 4:
        return `REPLACE INTO ${db}.b VALUES (${pick(20)}, 'k${pick(5)}', ${pick(2) ? '18446744073709551615' : pick(1e9)})`;
      case 5:
        return `UPDATE IGNORE ${db}.b SET k2 = 'm${pick(5)}' WHERE k1 = ${pick(20)} LIMIT 1`;
      case 6:
        return `DELETE FROM ${db}.b WHERE k1 = ${pick(20)}`;
      case 7:
        return `INSERT INTO ${db}.c VALUES (${pick(20)}, 'v${pick(3)}')`;
      case 8:
        return `DELETE FROM ${db}.c WHERE x = ${pick(20)} LIMIT 1`;
      default:
        return `UPDATE ${db}.c SET y = 'w${pick(3)}' WHERE x = ${pick(20)} LIMIT 1`;
    }
  };
  for (let i = 0; i < 40; ++i) {
    stmts.push(pick(4) === 0 ? `BEGIN; ${one()}; ${one()}; ${one()}; COMMIT` : one());
  }
  // Several updates of one key within one second, and a rolled-back transaction.
  stmts.push(`UPDATE ${db}.a SET n = n + 1 WHERE id = 5`, `UPDATE ${db}.a SET n = n * 3 WHERE id = 5`);
  stmts.push(`BEGIN; DELETE FROM ${db}.a; INSERT INTO ${db}.c VALUES (999, 'gone'); ROLLBACK`);
  if (round % 3 === 1) {
    const base = 10000 + round * 5000;
    stmts.push(`BEGIN;
      INSERT INTO ${db}.a SELECT ${base} + seq, seq, REPEAT('big', 1 + seq % 5), seq / 100 FROM seq_1_to_3000;
      UPDATE ${db}.a SET n = -n WHERE id > ${base} AND id <= ${base} + 1000;
      DELETE FROM ${db}.a WHERE id > ${base} + 2000 AND id <= ${base} + 2600;
      COMMIT`);
  }
  return `${stmts.join(';\n')};`;
}

async function createTables(db) {
  const creates = Object.entries(TABLES)
    .map(([name, t]) => `CREATE TABLE ${db}.${name} (${t.create})`).join('; ');
  await sql(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}; ${creates}`);
}

after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; DROP DATABASE IF EXISTS ${DB}_k;
    DROP DATABASE IF EXISTS ${DB}_s3`);
});

test(`full load, then random DML rounds: every table equals the source after each (seed ${SEED})`,
    async () => {
      await createTables(DB);
      const rand = prng(SEED);
      // Rows that exist before binlake starts: the full load brings them.
      await sql(roundSql(DB, 100, rand), { database: DB });
      const lake = await localLake(join(work, 'rounds'));
      const config = writeConfig(join(work, 'rounds-config'), DB, {
        lake, extra: { full_load: true, iceberg: { enabled: true, commit_interval: '200ms' } },
      });
      await runBinlake(config, { check: true });
      await assertTablesMatch(lake.dir, DB, 'after the full load');
      for (let round = 0; round < 6; ++round) {
        await sql(roundSql(DB, round, rand), { database: DB });
        if (round === 3) await sql(`TRUNCATE TABLE ${DB}.c; INSERT INTO ${DB}.c VALUES (1, 'after')`);
        await runBinlake(config, { check: true });
        await assertTablesMatch(lake.dir, DB, `round ${round}`);
      }
      rmSync(join(work, 'rounds'), { recursive: true, force: true });
    });

test(`on S3 (Ceph RGW): full load, then DML rounds with commits every 200ms (seed ${SEED})`,
    async () => {
      const db = `${DB}_s3`;
      await createTables(db);
      const rand = prng(SEED + 3);
      await sql(roundSql(db, 100, rand), { database: db });
      const lake = await s3Lake('binlake-iceberg', `cdc-${process.pid}`);
      const config = writeConfig(join(work, 's3-config'), db, {
        lake, extra: { full_load: true, iceberg: { enabled: true, commit_interval: '200ms' } },
      });
      await runBinlake(config, { check: true });
      const mirror = join(work, 's3-mirror');
      await assertTablesMatch(await mirrorLake(lake, mirror), db, 'S3: after the full load');
      for (let round = 0; round < 3; ++round) {
        await sql(roundSql(db, round, rand), { database: db });
        await runBinlake(config, { check: true });
        await assertTablesMatch(await mirrorLake(lake, mirror), db, `S3: round ${round}`);
      }
    });

test(`kill -9 at random moments while committing: the tables equal the source (seed ${SEED})`,
    async () => {
      const db = `${DB}_k`;
      await createTables(db);
      const lake = await localLake(join(work, 'kill'));
      const config = writeConfig(join(work, 'kill-config'), db, {
        lake,
        extra: {
          full_load: true,
          iceberg: {
            enabled: true, commit_interval: '100ms', max_manifests: 6, retain_snapshots: 5,
            metadata_log_entries: 5, orphan_file_age: '0s',
          },
        },
      });
      const rand = prng(SEED + 7);
      await sql(roundSql(db, 0, rand), { database: db });
      let done = false;
      const workload = (async () => {
        try {
          for (let round = 1; round < 12; ++round) {
            await sql(roundSql(db, round, rand), { database: db });
            await sleep(100 + Math.floor(rand() * 300));
          }
        } finally {
          done = true;
        }
      })();
      workload.catch(() => {});
      const killRand = prng(SEED + 8);
      let kills = 0;
      while (!done || kills < 10) {
        const run = startBinlake(config);
        await sleep(150 + Math.floor(killRand() * 1200));
        run.child.kill('SIGKILL');
        const e = await run.exited;
        assert.equal(e.signal, 'SIGKILL', `binlake exited by itself (${e.code}):\n${run.stderr()}`);
        ++kills;
      }
      await workload;
      await runBinlake(config, { check: true });
      await assertTablesMatch(lake.dir, db, `after ${kills} kills`);
      // Files of the killed commits, merged manifests and expired snapshots' files are gone
      // (the last run cleaned up at start; orphan_file_age 0s).
      for (const table of Object.keys(TABLES)) {
        await assertNoOrphans(join(lake.dir, 'iceberg', db, table));
      }
      rmSync(work, { recursive: true, force: true });
    });
