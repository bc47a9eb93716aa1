// binlake validate against a lake in RGW while `binlake run` streams: a correct lake passes
// under a concurrent workload (changes in flight are re-checked, never reported), and changes
// made behind binlake's back (SET sql_log_bin = 0: the binlog never sees them) are found in
// both outputs, the Parquet change log folded to latest state and the Iceberg table, with
// their keys and columns. A lake that cannot catch up is an error, not a pass.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { binlake, sql } from '../lib/rig.mjs';
import {
  binlakeEnv, localLake, prng, s3Lake, startBinlake, tempDir, writeConfig,
} from './run_support.mjs';

const DB = `validate_${process.pid}`;
const work = tempDir('validate');
after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  rmSync(work, { recursive: true, force: true });
});

// Until `binlake status` shows every table of the config loaded (validate skips the others).
async function loaded(config, tables) {
  await until(async () => {
    const r = await binlake(['status', '-c', config, '--json'], { env: binlakeEnv() });
    if (r.code !== 0) return false;
    const mine = JSON.parse(r.stdout).tables.filter((t) => t.table.startsWith(`${DB}.`));
    return mine.length === tables && mine.every((t) => t.TableState === 'Table completed');
  }, `the full load of ${config}`);
}

async function validate(config, args = []) {
  const wait = args.includes('--wait') ? [] : ['--wait', '60s'];
  const r = await binlake(['validate', '-c', config, '--json', ...wait, ...args],
    { env: binlakeEnv() });
  assert.ok(r.stdout, `binlake validate printed nothing (exit ${r.code}): ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const of = (table, output) => report.tables.find(
    (t) => t.table === `${DB}.${table}` && t.output.startsWith(output));
  return { code: r.code, report, of, stderr: r.stderr };
}

async function until(fn, what) {
  for (let i = 0; i < 600; ++i) {
    const v = await fn();
    if (v) return v;
    await sleep(200);
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('validate passes under a workload and finds the changes the binlog never saw', async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; USE ${DB};
    CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) CHARSET latin1, price DECIMAL(12,2),
      at DATETIME(6), doc JSON, raw VARBINARY(16), f DOUBLE);
    INSERT INTO items SELECT seq, CONCAT('item ', seq, ' caf\u00e9'), seq / 7, NOW(6) - INTERVAL seq SECOND,
      JSON_OBJECT('n', seq), UNHEX(HEX(seq)), seq / 3 FROM seq_1_to_3000;
    CREATE TABLE pairs (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b));
    INSERT INTO pairs SELECT seq % 50, CONCAT('k', seq), seq FROM seq_1_to_500;
    CREATE TABLE nokey (x INT);`);
  const lake = await s3Lake('binlake-validate', `${DB}`);
  const config = writeConfig(work, DB, {
    lake,
    output: { format: 'parquet', cdc_max_batch_interval: '500ms' },
    extra: { full_load: true, iceberg: { enabled: true, commit_interval: '1s' } },
  });
  const run = startBinlake(config);
  let stop = false;
  let workload;
  try {
    await loaded(config, 3);
    // status shows each Iceberg table's snapshot position beside the change log's statistics.
    const status = JSON.parse((await binlake(['status', '-c', config, '--json'],
      { env: binlakeEnv() })).stdout);
    for (const name of ['items', 'pairs', 'nokey']) {
      const t = status.tables.find((x) => x.table === `${DB}.${name}`);
      assert.match(t.IcebergPosition, /^[\w.-]+\.\d+:\d+$/, JSON.stringify(t));
    }

    // A workload on rows away from the ones changed behind binlake's back below.
    const random = prng(7);
    let next = 10000;
    workload = (async () => {
      while (!stop) {
        const id = 1000 + Math.floor(random() * 1000);
        await sql(`USE ${DB};
          UPDATE items SET price = price + 1, name = CONCAT(name, '+') WHERE id = ${id};
          INSERT INTO items (id, name, price) VALUES (${next++}, 'new', 1);
          DELETE FROM items WHERE id = ${2000 + Math.floor(random() * 1000)};
          UPDATE pairs SET v = v + 1 WHERE a = ${Math.floor(random() * 40) + 10};`);
        await sleep(20);
      }
    })();
    await sleep(500);
    const busy = await validate(config);
    assert.equal(busy.code, 0, JSON.stringify(busy.report, null, 1));
    for (const table of ['items', 'pairs']) {
      for (const output of ['change log', 'iceberg']) {
        const r = busy.of(table, output);
        assert.ok(r, `no result for ${table} ${output}`);
        assert.equal(r.ok, true, JSON.stringify(r));
        assert.equal(r.differences, 0);
        assert.ok(r.source_rows > 0 && r.lake_rows > 0, JSON.stringify(r));
      }
    }
    assert.match(busy.of('nokey', 'source').skipped, /no primary key/);
    stop = true;
    await workload;

    // Behind binlake's back: the binlog never carries these.
    await sql(`USE ${DB}; SET sql_log_bin = 0;
      UPDATE items SET name = 'sneaky', price = 0.5 WHERE id = 42;
      DELETE FROM items WHERE id = 43;
      INSERT INTO pairs VALUES (9999, 'ghost', 1);`);
    const found = await validate(config, ['--tables', `${DB}.items,${DB}.pairs`]);
    assert.equal(found.code, 1);
    assert.equal(found.report.ok, false);
    assert.equal(found.of('nokey', 'source'), undefined, '--tables limits the tables');
    for (const output of ['change log', 'iceberg']) {
      const items = found.of('items', output);
      assert.equal(items.differences, 2, JSON.stringify(items));
      assert.ok(items.listed.includes(
        "differs: (id=42); name: source 'sneaky', lake 'item 42 caf\u00e9'; price: source 0.50, lake 6.00"),
      JSON.stringify(items.listed));
      assert.ok(items.listed.includes('only in the lake: (id=43)'), JSON.stringify(items.listed));
      const pairs = found.of('pairs', output);
      assert.equal(pairs.differences, 1, JSON.stringify(pairs));
      assert.deepEqual(pairs.listed, ["missing from the lake: (a=9999, b='ghost')"]);
    }
    const text = await binlake(['validate', '-c', config, '--tables', `${DB}.pairs`],
      { env: binlakeEnv() });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^FAIL {2}\S+\.pairs +change log /m);
    assert.match(text.stdout, /missing from the lake: \(a=9999, b='ghost'\)/);
  } finally {
    stop = true;
    await workload;
    run.child.kill('SIGTERM');
    await run.exited;
  }

  // Stopped: the lake cannot reach a new snapshot, which is an error, not a pass.
  await sql(`USE ${DB}; UPDATE items SET f = 0 WHERE id = 7;`);
  const stale = await validate(config, ['--tables', `${DB}.items`, '--wait', '1s']);
  assert.equal(stale.code, 1);
  assert.match(stale.of('items', 'change log').error, /is `binlake run` running\?/);
});

test('CSV (gzip, a header-less custom layout) and JSON lines change logs are folded too',
    async () => {
      const db = `${DB}_text`;
      await sql(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}; USE ${db};
        CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(30), d DECIMAL(20,6), ts TIMESTAMP(3) NULL,
          j JSON, b VARBINARY(8));
        INSERT INTO t SELECT seq, IF(seq % 5 = 0, NULL, CONCAT('s|"', seq, '"')), seq / 3,
          '2026-01-01 00:00:00' + INTERVAL seq SECOND, JSON_ARRAY(seq, 'x'), UNHEX('00FF')
          FROM seq_1_to_400;`);
      const outputs = {
        csv: { format: 'csv', compression: 'gzip', csv_delimiter: '|', csv_null_value: 'NULL',
          timestamp_column_name: 'ts_dms', include_op_for_full_load: true },
        jsonl: { format: 'jsonl', compression: 'gzip' },
      };
      const runs = [];
      try {
        const configs = {};
        for (const [name, output] of Object.entries(outputs)) {
          const lake = await localLake(join(work, `${name}-lake`));
          configs[name] = writeConfig(join(work, name), db, {
            lake, output: { cdc_max_batch_interval: '300ms', ...output }, extra: { full_load: true },
          });
          runs.push(startBinlake(configs[name]));
        }
        for (const config of Object.values(configs)) {
          await until(async () => {
            const r = await binlake(['status', '-c', config, '--json'], { env: binlakeEnv() });
            const t = r.code === 0 && JSON.parse(r.stdout).tables.find((x) => x.table === `${db}.t`);
            return t && t.TableState === 'Table completed';
          }, 'the full load');
        }
        await sql(`USE ${db}; UPDATE t SET s = 'changed' WHERE id <= 10; DELETE FROM t WHERE id = 400;
          SET sql_log_bin = 0; UPDATE t SET d = 0 WHERE id = 20;`);
        for (const [name, config] of Object.entries(configs)) {
          const r = await binlake(['validate', '-c', config, '--json', '--wait', '60s'],
            { env: binlakeEnv() });
          const report = JSON.parse(r.stdout);
          const t = report.tables.find((x) => x.table === `${db}.t`);
          assert.equal(r.code, 1, `${name}: ${r.stdout}`);
          assert.equal(t.source_rows, 399, name);
          assert.equal(t.differences, 1, `${name}: ${JSON.stringify(t)}`);
          assert.match(t.listed[0], /^differs: \(id=20\); d: source 0\.000000, lake 6\.666667$/,
            name);
        }
      } finally {
        for (const run of runs) run.child.kill('SIGTERM');
        for (const run of runs) await run.exited;
        await sql(`DROP DATABASE IF EXISTS ${db}`);
      }
    });
