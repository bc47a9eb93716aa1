// Full load + CDC with no gap and no duplicate (docs/full-load.md). While a workload inserts,
// updates (the key column too, moving rows across chunk boundaries) and deletes rows, binlake
// loads the tables in small chunks on several connections, is killed with kill -9 part-way
// through the load, resumes, and runs CDC to the end. Each table is then rebuilt from its
// LOAD and CDC files with DuckDB — the last change per key by the sequence column, deletes
// removed — and must equal SELECT * exactly. Runs once per watermark mode: "snapshot"
// (MariaDB's consistent-snapshot position) and "window" (DBLog reconciliation).
//
// Tables: a large one with an integer key, a composite key, no key, an empty one, and one with
// a 10 MB BLOB row.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { sql } from '../lib/rig.mjs';
import {
  lakeObjects, localLake, prng, readCsvChanges, record, runBinlake, startBinlake, tableFiles,
  tempDir, writeConfig,
} from './run_support.mjs';

const work = tempDir('full-load');
const SEED = Number(process.env.FULL_LOAD_SEED ?? Date.now() % 1000000);
const ROWS = 30000;

const TABLES = {
  big: { columns: ['id', 'n', 's'], key: ['id'] },
  comp: { columns: ['a', 'b', 'v'], key: ['a', 'b'] },
  nokey: { columns: ['x', 'y'], key: [] },
  empty: { columns: ['id', 'v'], key: ['id'] },
  // b is compared as SHA-256: SELECT SHA2(b) vs the hash of the CSV's hex bytes.
  blobs: { columns: ['id', 'b'], key: ['id'], sha: ['b'] },
};

async function createTables(db) {
  await sql(`
    DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}; USE ${db};
    CREATE TABLE big (id INT NOT NULL PRIMARY KEY, n INT, s VARCHAR(40));
    INSERT INTO big SELECT seq * 2, seq % 97, CONCAT('row-', seq) FROM seq_1_to_${ROWS};
    CREATE TABLE comp (a INT NOT NULL, b VARCHAR(8) NOT NULL, v INT, PRIMARY KEY (a, b));
    INSERT INTO comp SELECT seq % 7, CONCAT('k', seq), seq FROM seq_1_to_3000;
    CREATE TABLE nokey (x INT, y VARCHAR(10));
    INSERT INTO nokey SELECT seq % 50, IF(seq % 3 = 0, NULL, CONCAT('y', seq)) FROM seq_1_to_600;
    CREATE TABLE empty (id INT NOT NULL PRIMARY KEY, v INT);
    CREATE TABLE blobs (id INT NOT NULL PRIMARY KEY, b LONGBLOB);
    INSERT INTO blobs VALUES (1, REPEAT(x'00ab', 5 * 1024 * 1024)), (2, x''), (3, NULL),
                             (4, x'ff00');`);
}

// One batch of workload statements: inserts, updates (also of the key: moving a row far
// across the key range, i.e. across chunks), deletes; nothing on `empty`.
function workloadSql(db, rand, round) {
  const pick = (n) => Math.floor(rand() * n);
  const out = [];
  for (let i = 0; i < 12; ++i) {
    const id = 1 + pick(ROWS * 2 + 2000);
    switch (pick(8)) {
      case 0:
        out.push(`INSERT IGNORE INTO ${db}.big VALUES (${id}, ${pick(1000)}, 'w${round}')`);
        break;
      case 1:
        out.push(`UPDATE ${db}.big SET n = n + 1, s = 'u${round}' WHERE id = ${id}`);
        break;
      case 2:
        out.push(`UPDATE IGNORE ${db}.big SET id = ${1 + pick(ROWS * 2 + 2000)} WHERE id = ${id}`);
        break;
      case 3:
        out.push(`DELETE FROM ${db}.big WHERE id BETWEEN ${id} AND ${id + pick(4)}`);
        break;
      case 4:
        out.push(`UPDATE IGNORE ${db}.comp SET a = ${pick(9)}, v = v + 1 WHERE b = 'k${1 + pick(3000)}'`);
        break;
      case 5:
        out.push(`INSERT INTO ${db}.nokey VALUES (${pick(50)}, 'w${round}')`);
        break;
      case 6:
        out.push(`DELETE FROM ${db}.nokey WHERE x = ${pick(50)} LIMIT 1`);
        break;
      default:
        out.push(`BEGIN; UPDATE ${db}.big SET n = -n WHERE id = ${id};
                  INSERT IGNORE INTO ${db}.comp VALUES (${pick(9)}, 'w${round}', ${round});
                  COMMIT`);
    }
  }
  return out.join(';\n');
}

function startWorkload(db, seed) {
  const rand = prng(seed);
  let stop = false;
  let rounds = 0;
  const done = (async () => {
    while (!stop) {
      await sql(workloadSql(db, rand, rounds));
      ++rounds;
    }
  })();
  return { stop: async () => { stop = true; await done; return rounds; }, rounds: () => rounds };
}

function loadRecords(lakeDir, db, table) {
  const dir = join(lakeDir, '_binlake', 'loads', db, table);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => /^\d{8}\.json$/.test(n)).sort();
}

const keyOf = (row, key) => JSON.stringify(key.map((k) => row[k]));

// The table as of the end of the lake: LOAD and CDC rows in sequence order, the last per key
// wins, deletes remove. Keyless tables: LOAD rows are the table at their snapshot; CDC
// changes after that snapshot insert and delete one matching row each.
function rebuild(rows, spec) {
  const ordered = [...rows].sort((a, b) => (a._seq < b._seq ? -1 : a._seq > b._seq ? 1 : 0));
  if (spec.key.length > 0) {
    const last = new Map();
    for (const r of ordered) last.set(keyOf(r, spec.key), r);
    return [...last.values()].filter((r) => r.Op !== 'D').map((r) => spec.columns.map((c) => r[c]));
  }
  const loadSeq = rows.filter((r) => r.load).map((r) => r._seq)[0] ?? '';
  const bag = [];
  for (const r of ordered) {
    if (!r.load && r._seq <= loadSeq) continue;
    const values = spec.columns.map((c) => r[c]);
    if (r.Op === 'D') {
      const i = bag.findIndex((v) => JSON.stringify(v) === JSON.stringify(values));
      assert.ok(i >= 0, `delete of a row the rebuilt table lacks: ${JSON.stringify(values)}`);
      bag.splice(i, 1);
    } else {
      bag.push(values);
    }
  }
  return bag;
}

const sortRows = (rows) => rows.map((r) => JSON.stringify(r)).sort();

async function checkTable(objects, db, table, spec) {
  const files = tableFiles(objects, db, table);
  const columns = ['Op', '_seq', ...spec.columns];
  const rows = [];
  for (const f of files) {
    const load = /\/LOAD[0-9A-F]{8}\.csv$/.test(f);
    for (const r of await readCsvChanges(objects, [f], columns)) rows.push({ ...r, load });
  }
  // No key appears in two LOAD rows: no chunk was loaded twice.
  if (spec.key.length > 0) {
    const seen = new Set();
    for (const r of rows.filter((x) => x.load)) {
      const k = keyOf(r, spec.key);
      assert.ok(!seen.has(k), `${table}: key ${k} is in two LOAD rows`);
      seen.add(k);
    }
  }
  const select = spec.columns.map((c) => (spec.sha?.includes(c) ? `SHA2(${c}, 256)` : c)).join(', ');
  const want = (await sql(`SELECT ${select} FROM ${db}.${table}`)).map((r) => r.map((v) => v));
  const sha = (hex) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
  const got = rebuild(rows, spec).map((r) => r.map(
      (v, i) => (spec.sha?.includes(spec.columns[i]) && v !== null ? sha(v) : v)));
  const norm = (rs) => sortRows(rs.map((r) => r.map((v) => (v === null ? null : String(v)))));
  assert.deepEqual(norm(got), norm(want), `${table}: LOAD + CDC rebuilt differs from SELECT *`);
  return rows;
}

async function scenario(mode) {
  const db = `full_load_${mode}_${process.pid}`;
  await createTables(db);
  const dir = join(work, mode);
  const lake = await localLake(join(dir, 'lake'));
  const config = writeConfig(dir, db, {
    lake,
    output: {
      format: 'csv', sequence_column_name: '_seq', include_op_for_full_load: true,
      cdc_max_batch_interval: '1s',
    },
    extra: { full_load: { threads: 3, chunk_rows: 250, watermarks: mode } },
  });
  const workload = startWorkload(db, SEED + (mode === 'window' ? 1 : 0));
  try {
    // Kill -9 once a few LOAD files of `big` exist and before its last one.
    const first = startBinlake(config);
    while (loadRecords(lake.dir, db, 'big').length < 4) {
      if (first.child.exitCode !== null) break;
      await sleep(5);
    }
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    assert.equal(killed.signal, 'SIGKILL', `binlake ended before it was killed:\n${first.stderr()}`);
    const atKill = loadRecords(lake.dir, db, 'big');
    const lastAtKill = JSON.parse(
        (await lakeObjects(lake)).get(`_binlake/loads/${db}/big/${atKill.at(-1)}`).toString());
    assert.notEqual(lastAtKill.through, null, 'the load of big finished before the kill');

    // Resume while the workload goes on; the load finishes and CDC catches up.
    const resumed = await runBinlake(config, { check: true, timeoutMs: 240000 });
    assert.match(resumed.stderr, /resuming the full load/);
  } finally {
    await workload.stop();
  }
  await runBinlake(config, { check: true });

  const objects = await lakeObjects(lake);
  for (const [table, spec] of Object.entries(TABLES)) {
    const rows = await checkTable(objects, db, table, spec);
    // LOAD files are numbered 1, 2, ... with no gap, each named by a load record.
    const loads = tableFiles(objects, db, table).filter((k) => /\/LOAD/.test(k));
    loads.forEach((k, i) => assert.ok(k.endsWith(`LOAD${(i + 1).toString(16).toUpperCase().padStart(8, '0')}.csv`), k));
    const records = [...objects.keys()].filter((k) => k.startsWith(`_binlake/loads/${db}/${table}/0`));
    const named = records.map((k) => record(objects, k).object).filter((o) => o !== '');
    assert.deepEqual(named, loads, `${table}: load records name exactly the LOAD files`);
    assert.equal(record(objects, records.at(-1)).through, null, `${table}: load not finished`);
    // LOAD and CDC files share the table's one schema version.
    const versions = [...objects.keys()].filter((k) => k.startsWith(`_binlake/schemas/${db}/${table}/`));
    assert.deepEqual(versions, [`_binlake/schemas/${db}/${table}/v000001.json`], table);
    if (table === 'empty') assert.equal(loads.length, 0, 'an empty table has no LOAD file');
    if (table === 'big') assert.ok(loads.length > 20, `big has ${loads.length} LOAD files`);
    if (table === 'blobs') {
      const big = rows.find((r) => r.load && r.id === '1');
      assert.equal(big.b.length, 2 * 10 * 1024 * 1024, 'the 10 MB BLOB is whole');
    }
  }
  await sql(`DROP DATABASE ${db}`);
}

test('snapshot watermarks: kill -9 mid-load, resume, LOAD + CDC rebuild equals SELECT', async () => {
  await scenario('snapshot');
});

test('window watermarks (DBLog): kill -9 mid-load, resume, rebuild equals SELECT', async () => {
  await scenario('window');
});

test('a table added to tables.include later is loaded while CDC of the others goes on', async () => {
  const db = `full_load_add_${process.pid}`;
  await sql(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}; USE ${db};
             CREATE TABLE one (id INT PRIMARY KEY, v INT);
             CREATE TABLE two (id INT PRIMARY KEY, v INT);
             INSERT INTO one SELECT seq, seq FROM seq_1_to_100;
             INSERT INTO two SELECT seq, -seq FROM seq_1_to_50;`);
  const dir = join(work, 'add');
  const lake = await localLake(join(dir, 'lake'));
  const opts = (include, fullLoad = true) => ({
    lake,
    output: {
      format: 'csv', sequence_column_name: '_seq', include_op_for_full_load: true,
      cdc_max_batch_interval: '1s',
    },
    extra: { full_load: fullLoad, tables: { include } },
  });
  await runBinlake(writeConfig(dir, db, opts([`${db}.one`])), { check: true });
  await sql(`UPDATE ${db}.one SET v = 0 WHERE id = 1; UPDATE ${db}.two SET v = 0 WHERE id = 1;`);
  await runBinlake(writeConfig(dir, db, opts([`${db}.one`, `${db}.two`])), { check: true });
  await sql(`UPDATE ${db}.two SET v = 7 WHERE id = 2;`);
  await runBinlake(writeConfig(dir, db, opts([`${db}.one`, `${db}.two`])), { check: true });
  const objects = await lakeObjects(lake);
  const files = (t) => tableFiles(objects, db, t).map((k) => k.split('/').at(-1));
  assert.deepEqual(files('one').filter((f) => f.startsWith('LOAD')), ['LOAD00000001.csv']);
  assert.deepEqual(files('two').filter((f) => f.startsWith('LOAD')), ['LOAD00000001.csv']);
  const two = await readCsvChanges(objects, tableFiles(objects, db, 'two'), ['Op', '_seq', 'id', 'v']);
  // CDC of `two` starts at the checkpoint where it was added, so its update of row 1 (made
  // before) is there as well as in the LOAD row; both say v = 0, and the later update wins.
  const last = new Map();
  for (const r of [...two].sort((a, b) => (a._seq < b._seq ? -1 : 1))) last.set(r.id, r);
  assert.equal(last.get('1').v, '0');
  assert.equal(last.get('2').v, '7');
  assert.equal(last.size, 50);
  assert.ok(two.filter((r) => r.Op === 'I' && r.id === '2').length === 1, 'row 2 loaded once');

  // A table CDC has written (here with full_load off) is not loaded when full_load is on
  // again: CDC already has its rows.
  const both = [`${db}.%`];
  await sql(`CREATE TABLE ${db}.three (id INT PRIMARY KEY); INSERT INTO ${db}.three VALUES (1), (2)`);
  await runBinlake(writeConfig(dir, db, opts(both, false)), { check: true });
  await runBinlake(writeConfig(dir, db, opts(both)), { check: true });
  const after = await lakeObjects(lake);
  const three = tableFiles(after, db, 'three');
  assert.ok(three.length > 0, 'CDC wrote three');
  assert.deepEqual(three.filter((k) => /\/LOAD/.test(k)), [], 'three was not loaded');
  assert.ok(![...after.keys()].some((k) => k.startsWith(`_binlake/loads/${db}/three/`)));
  await sql(`DROP DATABASE ${db}`);
});

after(() => {
  if (process.exitCode === undefined || process.exitCode === 0) {
    rmSync(work, { recursive: true, force: true });
  }
});
