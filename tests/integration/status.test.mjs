// binlake status: while `run` loads a table in many small chunks (progress visible part-way),
// while it streams changes (DMS table statistics move), and once it is stopped (read from the
// lake's records; the source's binlog end gives the lag in bytes).

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { binlake, sql } from '../lib/rig.mjs';
import { binlakeEnv, localLake, startBinlake, tempDir, writeConfig } from './run_support.mjs';

const DB = `status_${process.pid}`;
const work = tempDir('status');
after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  rmSync(work, { recursive: true, force: true });
});

async function status(config) {
  const r = await binlake(['status', '-c', config, '--json'], { env: binlakeEnv() });
  if (r.code !== 0 && !r.stdout) throw new Error(`binlake status exited ${r.code}: ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) };
}
const table = (report, name) => report.tables.find((t) => t.table === `${DB}.${name}`);

// Polls until fn returns truthy; a bound so that a broken build fails instead of hanging.
async function until(fn, what) {
  for (let i = 0; i < 600; ++i) {
    const v = await fn();
    if (v) return v;
    await sleep(100);
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('status while loading, while streaming and when stopped', async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; USE ${DB};
    CREATE TABLE big (id INT PRIMARY KEY, v INT);
    INSERT INTO big SELECT seq, seq FROM seq_1_to_60000;
    CREATE TABLE t (id INT PRIMARY KEY, v INT);`);
  const lake = await localLake(join(work, 'lake'));
  const config = writeConfig(work, DB, {
    lake,
    output: { cdc_max_batch_interval: '1s' },
    extra: { full_load: { threads: 1, chunk_rows: 20 } },
  });
  const before = await binlake(['status', '-c', config], { env: binlakeEnv() });
  assert.notEqual(before.code, 0);
  assert.match(before.stderr, /holds no checkpoint: binlake has not run against this lake yet/);

  const run = startBinlake(config);
  try {
    // Part-way through the full load of `big`.
    const loading = await until(async () => {
      const { report } = await status(config).catch(() => ({ report: null }));
      const big = report && table(report, 'big');
      return big && big.TableState === 'Full load' && big.FullLoadRows > 0 && big.FullLoadRows < 60000
        ? big : null;
    }, 'a status part-way through the full load');
    assert.ok(loading.FullLoadFiles > 0);

    await sql(`USE ${DB}; INSERT INTO t SELECT seq, seq FROM seq_1_to_5;
      UPDATE t SET v = 0 WHERE id <= 3; DELETE FROM t WHERE id = 5;`);
    const streaming = await until(async () => {
      const { report } = await status(config);
      const t = table(report, 't');
      return t && t.Deletes === 1 ? report : null;
    }, 'the changes of t in the status');
    assert.deepEqual(
      (({ Inserts, Updates, Deletes, Ddls }) => ({ Inserts, Updates, Deletes, Ddls }))(table(streaming, 't')),
      { Inserts: 5, Updates: 3, Deletes: 1, Ddls: 0 });
    assert.match(table(streaming, 't').LastUpdateTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(streaming.writer.state, 'held');
    assert.equal(streaming.writer.owner, `binlake on ${hostname()} (pid ${run.child.pid})`);
    await until(async () => table((await status(config)).report, 'big').TableState === 'Table completed',
      'the full load to finish');
  } finally {
    run.child.kill('SIGTERM');
    await run.exited;
  }

  const { code, report } = await status(config);
  assert.equal(code, 0);
  assert.ok(report.checkpoint.seq > 0);
  assert.match(report.checkpoint.position, /^\S+\.\d+:\d+$/);
  assert.ok(report.lag_bytes >= 0 && typeof report.lag_seconds === 'number');
  assert.match(report.source.end, /^\S+:\d+$/);
  const big = table(report, 'big');
  assert.equal(big.FullLoadRows, 60000);
  assert.equal(big.TableState, 'Table completed');
  assert.equal(table(report, 't').Inserts, 5);
  assert.equal(report.writer, undefined, 'a clean stop removes its lease');

  // The human form names the same.
  const human = await binlake(['status', '-c', config], { env: binlakeEnv() });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`${DB}\\.big\\s+Table completed\\s+0\\s+0\\s+0\\s+0\\s+60000`));
});
