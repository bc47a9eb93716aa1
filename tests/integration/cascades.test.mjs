// Foreign-key cascades and TRUNCATE through `binlake run` on the rig MariaDB. InnoDB changes
// child rows inside the engine and logs only the parent's; TRUNCATE is logged as a statement.
// binlake synthesises the missing rows (docs/cascades.md). On a schema with CASCADE and SET
// NULL chains four levels deep, a composite key, a self-referencing table, ON UPDATE CASCADE
// and ON UPDATE SET NULL, TRUNCATE mid-stream, and parents deleted with foreign_key_checks=0
// (no actions), under random DML:
// - the latest state DuckDB computes from each lake's change log (the usual recipe: last
//   change per key by the sequence column, deletes dropped) equals SELECT * on every table,
//   for CSV, JSON lines and Parquet, with and without a full load, and the Iceberg tables
//   equal the source too;
// - a parent outside the replica (excluded) still cascades into its replicated children;
// - a new machine (spill.dir lost) takes the row state over from its copy in the lake and
//   stays exact; without a copy the state is read from the source, with the warned window;
// - JSON lines mark synthesised changes ("synthesized": "cascade" | "truncate");
// - kill -9 at random moments during the workload leaves a change log with every change once
//   and the same latest state.

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { duckdb, sql } from '../lib/rig.mjs';

import { mergeOnRead } from './iceberg_support.mjs';
import {
  lakeObjects, localLake, prng, runBinlake, startBinlake, tableFiles, tempDir, writeConfig,
} from './run_support.mjs';

const DB = `cascades_${process.pid}`;
const work = tempDir('cascades');
const SEED = Number(process.env.CASCADES_SEED ?? Date.now() % 1000000);

after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
});

// Columns and primary key of each table.
const TABLES = {
  customers: {columns: ['id', 'name'], key: ['id']},
  orders: {columns: ['id', 'customer_id', 'note'], key: ['id']},
  order_items: {columns: ['order_id', 'line', 'sku', 'qty'], key: ['order_id', 'line']},
  item_notes: {columns: ['id', 'order_id', 'line', 'body'], key: ['id']},
  notes: {columns: ['id', 'order_id', 'body'], key: ['id']},
  tree: {columns: ['id', 'parent_id', 'depth', 'label'], key: ['id']},
  scratch: {columns: ['id', 'v'], key: ['id']},
};

async function createSchema() {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; USE ${DB};
    CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40));
    CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, note VARCHAR(40) CHARSET latin1,
      FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE ON UPDATE CASCADE);
    CREATE TABLE order_items (order_id INT NOT NULL, line INT NOT NULL, sku VARCHAR(20), qty INT,
      PRIMARY KEY (order_id, line),
      FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE);
    CREATE TABLE item_notes (id INT PRIMARY KEY, order_id INT, line INT, body VARCHAR(40),
      FOREIGN KEY (order_id, line) REFERENCES order_items (order_id, line)
        ON DELETE SET NULL ON UPDATE CASCADE);
    CREATE TABLE notes (id INT PRIMARY KEY, order_id INT, body VARCHAR(40),
      FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE SET NULL ON UPDATE SET NULL);
    CREATE TABLE tree (id INT PRIMARY KEY, parent_id INT, depth INT NOT NULL, label VARCHAR(20),
      FOREIGN KEY (parent_id) REFERENCES tree (id) ON DELETE CASCADE);
    CREATE TABLE scratch (id INT PRIMARY KEY, v VARCHAR(20));`);
}

/**
 * A workload generator: each call returns one round of statements as one SQL script. Every
 * statement succeeds whatever the data (references are picked by subqueries, new keys come
 * from counters), so the rounds can run while binlake is killed.
 */
function workload(seed) {
  const rand = prng(seed);
  const pick = (n) => Math.floor(rand() * n);
  const next = {c: 1, o: 1, n: 1, in: 1, t: 1, s: 1};
  const someC = () => 1 + pick(next.c);
  const someO = () => 1 + pick(next.o);
  const someT = () => 1 + pick(next.t);
  const one = () => {
    switch (pick(21)) {
      case 0:
      case 1:
        return `INSERT INTO customers VALUES (${next.c++}, 'c${pick(1000)}')`;
      case 2:
      case 3:
        return `INSERT INTO orders SELECT ${next.o++}, id, '\u00f8${pick(99)} caf\u00e9' FROM customers
                WHERE id >= ${someC()} ORDER BY id LIMIT 1`;
      case 4:
      case 5:
        return `INSERT INTO order_items SELECT id, ${1 + pick(4)}, 'sku${pick(50)}', ${pick(9)}
                FROM orders WHERE id >= ${someO()} ORDER BY id LIMIT 1
                ON DUPLICATE KEY UPDATE qty = qty + 1`;
      case 6:
        return `INSERT INTO item_notes SELECT ${next.in++}, order_id, line, 'b${pick(99)}'
                FROM order_items WHERE order_id >= ${someO()} ORDER BY order_id, line LIMIT 1`;
      case 7:
        return `INSERT INTO notes SELECT ${next.n++}, id, 'n${pick(99)}' FROM orders
                WHERE id >= ${someO()} ORDER BY id LIMIT 1`;
      case 8: {
        const c = someC();
        return `DELETE FROM customers WHERE id BETWEEN ${c} AND ${c + pick(3)}`;
      }
      case 9:
        return `UPDATE customers SET id = ${next.c++} WHERE id = ${someC()}`;
      case 10:
        return `UPDATE orders SET id = ${next.o++} WHERE id = ${someO()}`;
      case 11:
        return `DELETE FROM orders WHERE id = ${someO()}`;
      case 12:
        return `DELETE FROM order_items WHERE order_id = ${someO()} AND line <= ${1 + pick(4)}`;
      case 13:
        return `UPDATE order_items SET qty = qty + 1, sku = 'u' WHERE order_id = ${someO()}`;
      case 14:
        return pick(4) === 0 ?
            `INSERT INTO tree VALUES (${next.t++}, NULL, 0, 'root')` :
            `INSERT INTO tree SELECT ${next.t++}, id, depth + 1, 't${pick(99)}' FROM tree
             WHERE id >= ${someT()} AND depth < 6 ORDER BY id LIMIT 1`;
      case 15:
        return `DELETE FROM tree WHERE id = ${someT()}`;
      case 16:
        return `UPDATE customers SET name = 'r${pick(1000)}' WHERE id = ${someC()}`;
      case 17:
        return `INSERT INTO scratch VALUES (${next.s++}, 'v${pick(99)}')`;
      case 18:
        return `UPDATE scratch SET v = CONCAT(v, '+') WHERE id >= ${pick(next.s)}`;
      case 19:
        // No foreign-key actions at all in InnoDB: the node's subtree stays, orphaned.
        return `SET SESSION foreign_key_checks = 0; DELETE FROM tree WHERE id = ${someT()};
                SET SESSION foreign_key_checks = 1`;
      default:
        return `UPDATE notes SET body = 'nb${pick(99)}' WHERE id = ${1 + pick(next.n)}`;
    }
  };
  let round = 0;
  return () => {
    const stmts = [];
    for (let i = 0; i < 40; ++i) {
      if (pick(4) === 0) {
        stmts.push(`BEGIN; ${one()}; ${one()}; ${one()}; COMMIT`);
      } else {
        stmts.push(one());
      }
    }
    // TRUNCATE mid-stream: of a table nothing references, and of a child table.
    if (round % 4 === 1) stmts.push('TRUNCATE TABLE scratch');
    if (round % 6 === 4) stmts.push('TRUNCATE TABLE item_notes');
    ++round;
    return `USE ${DB};\n${stmts.join(';\n')};`;
  };
}

function sqlString(s) {
  return `'${s.replaceAll('\'', '\'\'')}'`;
}

/**
 * The latest state of `table` computed by DuckDB from a lake's change files: the last change
 * of each key by the sequence column, deletes dropped. Rows as arrays of text or null.
 */
async function latestState(lake, objects, format, table, db = DB, tables = TABLES) {
  const {columns, key} = tables[table];
  const keys = tableFiles(objects, db, table);
  if (keys.length === 0) return [];
  const cols = columns.map((c) => `"${c}"`).join(', ');
  const changes = (files) =>
      readChanges(format, columns, files.map((k) => sqlString(join(lake.dir, k))));
  // LOAD rows share their snapshot's sequence; every CDC change has its own.
  const cdc = keys.filter((k) => !/\/LOAD[0-9A-F]{8}\./.test(k));
  if (cdc.length > 0) {
    const dupes = await duckdb(
        `SELECT seq, count(*) FROM (${changes(cdc)}) GROUP BY seq HAVING count(*) > 1`);
    assert.deepEqual(dupes, [], `${format} ${table}: every change once (by sequence)`);
  }
  return duckdb(`SELECT ${cols} FROM (${changes(keys)})
    QUALIFY row_number() OVER (PARTITION BY ${key.map((c) => `"${c}"`).join(', ')}
                               ORDER BY seq DESC) = 1 AND "Op" <> 'D'`);
}

/** A DuckDB query of change files as rows of Op, seq and the table's columns as text. */
function readChanges(format, columns, files) {
  let changes;
  if (format === 'csv') {
    const spec = ['Op', 'seq', ...columns].map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ');
    changes = `SELECT * FROM read_csv([${files}], header=false, auto_detect=false, delim=',',
      quote='"', escape='"', allow_quoted_nulls=false, columns={${spec}})`;
  } else if (format === 'parquet') {
    const cast = columns.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).join(', ');
    changes = `SELECT "Op", CAST(seq AS VARCHAR) AS seq, ${cast}
      FROM read_parquet([${files}], union_by_name=true)`;
  } else {
    const data = columns.map((c) => `data->>${sqlString(c)} AS "${c}"`).join(', ');
    changes = `SELECT op AS "Op", seq, ${data} FROM read_json([${files}],
      format='newline_delimited', columns={op: 'VARCHAR', seq: 'VARCHAR', data: 'JSON'})`;
  }
  return changes;
}

async function sourceRows(table, db = DB, tables = TABLES) {
  return sql(`SELECT ${tables[table].columns.join(', ')} FROM ${db}.${table}`);
}

const sorted = (rows) => rows.map((r) => JSON.stringify(r)).sort();

async function assertLatestStateEqualsSource(
    name, lake, format, skip = [], db = DB, tables = TABLES) {
  const objects = await lakeObjects(lake);
  for (const table of Object.keys(tables).filter((x) => !skip.includes(x))) {
    const want = await sourceRows(table, db, tables);
    const got = await latestState(lake, objects, format, table, db, tables);
    assert.deepEqual(sorted(got), sorted(want), `${name}: ${table} rebuilt from the change log`);
  }
  return objects;
}

const TABLES_MOVE = {
  orders: {columns: ['id', 'note'], key: ['id']},
  items: {columns: ['order_id', 'line', 'sku'], key: ['order_id', 'line']},
};

const OUTPUT = {
  cdc_min_file_size: '4KB',
  sequence_column_name: 'seq'
};

test(
    `the change log and Iceberg tables hold the rows cascades and TRUNCATE change (seed ${SEED})`,
    async (t) => {
      const [[file, pos]] = await sql('SHOW MASTER STATUS');
      await createSchema();
      const next = workload(SEED);
      await sql(next());
      await sql(next());
      // Lakes that read the binlog from before the schema (no full load), and lakes that load
      // the tables first and then follow the binlog.
      const lakes = [];
      for (const format of ['csv', 'jsonl', 'parquet']) {
        for (const load of [false, true]) {
          const name = `${format}-${load ? 'load' : 'cdc'}`;
          const lake = await localLake(join(work, `lake-${name}`));
          const iceberg = load && format === 'parquet';
          const config = writeConfig(join(work, `cfg-${name}`), DB, {
            lake,
            output: {format, include_op_for_full_load: true, ...OUTPUT},
            start: load ? undefined : {file, pos: Number(pos)},
            extra: {
              full_load: load,
              ...(iceberg ? {iceberg: {enabled: true, commit_interval: '200ms'}} : {}),
            },
          });
          lakes.push({name, format, lake, config, iceberg});
        }
      }
      // A parent outside the replica: orders still lose what deleting a customer removes.
      const partial = await localLake(join(work, 'lake-partial'));
      lakes.push({
        name: 'csv-without-customers',
        format: 'csv',
        lake: partial,
        skip: ['customers'],
        config: writeConfig(join(work, 'cfg-partial'), DB, {
          lake: partial,
          output: {format: 'csv', ...OUTPUT},
          start: {file, pos: Number(pos)},
          extra: {tables: {include: [`${DB}.%`], exclude: [`${DB}.customers`]}},
        }),
      });
      for (const l of lakes.filter((x) => x.name.endsWith('load'))) {
        const r = await runBinlake(l.config, {check: true});
        assert.match(r.stderr, /5 foreign keys with cascading actions on replicated tables/);
      }
      for (let i = 0; i < 10; ++i) await sql(next());
      for (const l of lakes) await runBinlake(l.config, {check: true});

      for (const l of lakes) {
        const objects = await assertLatestStateEqualsSource(l.name, l.lake, l.format, l.skip);
        if (l.skip) {
          assert.deepEqual(tableFiles(objects, DB, 'customers'), [], `${l.name}: excluded`);
        }
        if (l.format === 'jsonl') {
          const files = [...objects.keys()]
                            .filter((k) => k.startsWith(`${DB}/`))
                            .map((k) => sqlString(join(l.lake.dir, k)));
          const marks = await duckdb(`SELECT "synthesized", count(*) FROM read_json([${files}],
              format='newline_delimited', columns={synthesized: 'VARCHAR', op: 'VARCHAR'})
              GROUP BY ALL ORDER BY ALL`);
          const counts = Object.fromEntries(marks.map(([m, n]) => [m ?? 'logged', Number(n)]));
          t.diagnostic(`${l.name}: ${JSON.stringify(counts)}`);
          assert.ok(counts.cascade > 0, `${l.name}: cascaded changes are marked`);
          assert.ok(counts.truncate > 0, `${l.name}: TRUNCATE's deletes are marked`);
          assert.deepEqual(Object.keys(counts).sort(), ['cascade', 'logged', 'truncate']);
        }
        if (l.iceberg) {
          for (const [table, {columns}] of Object.entries(TABLES)) {
            const {rows} = await mergeOnRead(join(l.lake.dir, 'iceberg', DB, table));
            const got = rows.map((r) => columns.map((c) => r[c]));
            assert.deepEqual(
                sorted(got), sorted(await sourceRows(table)), `${l.name}: Iceberg table ${table}`);
          }
        }
      }
    });

test('keys of every kind match between rows read in the snapshot and rows from the binlog', async () => {
  const db = `${DB}_types`;
  const key = `u BIGINT UNSIGNED, d DECIMAL(20,6), c CHAR(5), b VARBINARY(8), t DATETIME(6),
        e ENUM('x','y'), y YEAR, f BIT(10)`;
  const cols = 'u, d, c, b, t, e, y, f';
  await sql(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}; USE ${db};
        CREATE TABLE p (${key}, PRIMARY KEY (${cols}));
        CREATE TABLE ch (id INT PRIMARY KEY, ${key}, note VARCHAR(10) CHARSET latin1,
          FOREIGN KEY (${cols}) REFERENCES p (${cols}) ON DELETE CASCADE);`);
  const keys = [
    `18446744073709551615, -99999999999999.999999, 'ab', 0x00ff00, '1000-01-01 00:00:00.000001', 'x', 1901, b'1111111111'`,
    `0, 0.000001, '', '', '9999-12-31 23:59:59.999999', 'y', 2155, b'0'`,
    `42, 12.5, 'a b', 0x61, '2026-12-03 10:00:00', 'x', 2026, b'101'`,
  ];
  // note: latin1 text, read in the snapshot exactly as the binlog decoder reads it.
  const rows = (n0) => keys.map((k, i) => [`(${k})`, `(${n0 + i}, ${k}, 'caf\u00e9')`]);
  // Rows that exist before binlake starts: the state reads them in its snapshot.
  await sql(`USE ${db}; INSERT INTO p VALUES ${rows(1).map((r) => r[0]).join(', ')};
        INSERT INTO ch VALUES ${rows(1).map((r) => r[1]).join(', ')};`);
  const lake = await localLake(join(work, 'lake-types'));
  const config = writeConfig(join(work, 'cfg-types'), db, {
    lake,
    output: {format: 'jsonl', ...OUTPUT},
    extra: {full_load: false},
  });
  await runBinlake(config, {check: true});
  // Each parent deleted, then inserted again with a child that comes through the binlog,
  // and deleted again.
  for (const [i, k] of keys.entries()) {
    await sql(`USE ${db}; DELETE FROM p WHERE (${cols}) = (${k});
          INSERT INTO p VALUES (${k}); INSERT INTO ch VALUES (${100 + i}, ${k}, 'caf\u00e9');
          DELETE FROM p WHERE (${cols}) = (${k});`);
  }
  assert.deepEqual(await sql(`SELECT COUNT(*) FROM ${db}.ch`), [['0']]);
  await runBinlake(config, {check: true});
  const objects = await lakeObjects(lake);
  const files = tableFiles(objects, db, 'ch').map((k) => sqlString(join(lake.dir, k)));
  const got = await duckdb(`SELECT data->>'id', "synthesized", data->>'note' FROM read_json([${files}],
          format='newline_delimited', columns={op: 'VARCHAR', synthesized: 'VARCHAR',
          data: 'JSON'}) WHERE op = 'D' ORDER BY 1`);
  const cafe = 'caf\u00e9';
  assert.deepEqual(got.map(([id, how, note]) => [Number(id), how, note]).sort((a, b) => a[0] - b[0]), [
    [1, 'cascade', cafe], [2, 'cascade', cafe], [3, 'cascade', cafe], [100, 'cascade', cafe],
    [101, 'cascade', cafe], [102, 'cascade', cafe]
  ]);
  await sql(`DROP DATABASE ${db}`);
});

test('a new machine takes the row state over from its copy in the lake', async () => {
  const db = `${DB}_move`;
  await sql(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}; USE ${db};
    CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(20));
    CREATE TABLE items (order_id INT, line INT, sku VARCHAR(20), PRIMARY KEY (order_id, line),
      FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE);
    INSERT INTO orders SELECT seq, CONCAT('o', seq) FROM seq_1_to_40;
    INSERT INTO items SELECT 1 + seq DIV 3, seq % 3, CONCAT('s', seq) FROM seq_0_to_119;`);
  const runs = {};
  for (const backups of [true, false]) {
    const name = backups ? 'move' : 'move-nobackup';
    const lake = await localLake(join(work, `lake-${name}`));
    const dir = join(work, `cfg-${name}`);
    const config = writeConfig(dir, db, {
      lake,
      output: {format: 'csv', include_op_for_full_load: true, ...OUTPUT},
      extra: {full_load: true, ...(backups ? {} : {state_backup_interval: 0})},
    });
    await runBinlake(config, {check: true});
    runs[name] = {lake, dir, config};
  }
  const copies = (lake) => [...readdirSync(join(lake.dir, '_binlake'))].includes('state') ?
      readdirSync(join(lake.dir, '_binlake', 'state')) :
      [];
  assert.equal(copies(runs.move.lake).length, 1, 'a clean stop leaves a copy in the lake');
  assert.equal(copies(runs['move-nobackup'].lake).length, 0);
  // While binlake is away, orders go with their items; then the machine is lost: spill.dir
  // (and the row state in it) is gone.
  await sql(`USE ${db}; DELETE FROM orders WHERE id <= 10; INSERT INTO orders VALUES (99, 'n');
    INSERT INTO items VALUES (99, 1, 'n1');`);
  for (const {dir} of Object.values(runs)) {
    rmSync(join(dir, 'spill'), {recursive: true, force: true});
    mkdirSync(join(dir, 'spill'));
  }
  const moved = await runBinlake(runs.move.config, {check: true});
  assert.match(
      moved.stderr, /row state taken over from the lake: _binlake\/state\/\d{8}-\d{9}\.lmdb/);
  assert.doesNotMatch(moved.stderr, /rebuilt from the source/);
  await assertLatestStateEqualsSource('taken over', runs.move.lake, 'csv', [], db, TABLES_MOVE);
  // Without a copy the state is read from the source after the deletes: their items stay in
  // the change log, as the warning says.
  const rebuilt = await runBinlake(runs['move-nobackup'].config, {check: true});
  assert.match(
      rebuilt.stderr, /rebuilt from the source .* child rows a cascade removed in between/);
  const objects = await lakeObjects(runs['move-nobackup'].lake);
  const items =
      await latestState(runs['move-nobackup'].lake, objects, 'csv', 'items', db, TABLES_MOVE);
  assert.deepEqual(await sql(`SELECT COUNT(*) FROM ${db}.items`), [['91']]);
  assert.equal(items.length, 91 + 30, 'the 30 items of the deleted orders stay');
  await sql(`DROP DATABASE ${db}`);
});

test(
    `kill -9 during the workload: every change once, the same latest state (seed ${SEED})`,
    async (t) => {
      const [[file, pos]] = await sql('SHOW MASTER STATUS');
      await createSchema();
      const lake = await localLake(join(work, 'lake-crash'));
      const config = writeConfig(join(work, 'cfg-crash'), DB, {
        lake,
        output: {format: 'csv', ...OUTPUT},
        start: {file, pos: Number(pos)},
      });
      const next = workload(SEED + 7);
      let done = false;
      const rounds = (async () => {
        try {
          for (let i = 0; i < 16; ++i) {
            await sql(next());
            await sleep(100);
          }
        } finally {
          done = true;
        }
      })();
      rounds.catch(() => {});
      const killRand = prng(SEED + 8);
      let kills = 0;
      while (!done || kills < 6) {
        const run = startBinlake(config);
        await sleep(150 + Math.floor(killRand() * 1200));
        run.child.kill('SIGKILL');
        const e = await run.exited;
        assert.equal(e.signal, 'SIGKILL', `binlake exited by itself (${e.code}):\n${run.stderr()}`);
        ++kills;
      }
      await rounds;
      await runBinlake(config, {check: true});
      t.diagnostic(`${kills} kills`);
      await assertLatestStateEqualsSource('csv after kill -9', lake, 'csv');
      rmSync(work, {recursive: true, force: true});
    });
