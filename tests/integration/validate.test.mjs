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
import { binlakeEnv, prng, s3Lake, startBinlake, tempDir, writeConfig } from './run_support.mjs';

const DB = `validate_${process.pid}`;
const work = tempDir('validate');
after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  rmSync(work, { recursive: true, force: true });
});

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
    // Until both outputs are loaded: validate skips tables still loading.
    await until(async () => {
      const r = await binlake(['status', '-c', config, '--json'], { env: binlakeEnv() });
      if (r.code !== 0) return false;
      const s = JSON.parse(r.stdout);
      const mine = s.tables.filter((t) => t.table.startsWith(`${DB}.`));
      return mine.length === 3
        && mine.every((t) => t.TableState === 'Table completed');
    }, 'the full load');

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
