// /metrics and /healthz (docs/metrics.md) while binlake runs against the rig's MariaDB through
// a TCP relay: counters move with a workload, and /healthz turns unhealthy once the source
// is cut off (the relay closed) for longer than twice the heartbeat interval plus 5 s.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { rigEnv, sql } from '../lib/rig.mjs';
import { localLake, startBinlake, tempDir, writeConfig } from './run_support.mjs';

const DB = `metrics_${process.pid}`;
const work = tempDir('metrics');
after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  rmSync(work, { recursive: true, force: true });
});

async function get(port, path) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: r.status, text: await r.text() };
}

function value(text, name, labels) {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

// Polls fn until it returns a truthy value; a bound so a broken build fails, not a timing check.
async function until(fn, what) {
  for (let i = 0; i < 120; ++i) {
    const v = await fn();
    if (v) return v;
    await sleep(500);
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('/metrics moves with a workload and /healthz fails when the source is cut off', async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.t (id INT PRIMARY KEY, v INT)`);
  const env = rigEnv('mariadb');
  const sockets = new Set();
  const relay = createServer((client) => {
    const upstream = createConnection(Number(env.MARIADB_PORT), env.MARIADB_HOST);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const lake = await localLake(join(work, 'lake'));
  const config = writeConfig(work, DB, {
    lake,
    source: { port: relay.address().port, heartbeat_interval: '1s' },
    output: { cdc_max_batch_interval: '1s' },
    extra: { metrics: { listen: '127.0.0.1:0' } },
  });
  const run = startBinlake(config);
  try {
    const log = await run.waitForLog(/serving \/metrics and \/healthz on http:\/\/127\.0\.0\.1:(\d+)/);
    const port = Number(log.match(/http:\/\/127\.0\.0\.1:(\d+)/)[1]);
    await run.waitForLog(/streaming the binlog/);
    assert.equal((await get(port, '/nope')).status, 404);

    const rows = `{table="${DB}.t",op="I"}`;
    await sql(`INSERT INTO ${DB}.t SELECT seq, seq FROM seq_1_to_100`, { database: DB });
    const first = await until(async () => {
      const m = (await get(port, '/metrics')).text;
      return value(m, 'binlake_rows_total', rows) === 100 ? m : null;
    }, '100 inserts counted');
    assert.match(first, /# TYPE binlake_batch_commit_seconds histogram/);
    assert.ok(value(first, 'binlake_files_written_total', '') >= 1);
    assert.ok(value(first, 'binlake_resident_memory_bytes', '') > 0);
    await sql(`INSERT INTO ${DB}.t SELECT seq, seq FROM seq_101_to_150; UPDATE ${DB}.t SET v = 0 WHERE id <= 10`,
      { database: DB });
    const second = await until(async () => {
      const m = (await get(port, '/metrics')).text;
      return value(m, 'binlake_rows_total', `{table="${DB}.t",op="U"}`) === 10 ? m : null;
    }, '10 updates counted');
    assert.equal(value(second, 'binlake_rows_total', rows), 150);
    assert.ok(value(second, 'binlake_bytes_written_total', '') > value(first, 'binlake_bytes_written_total', ''));
    assert.equal(value(second, 'binlake_source_lag_seconds', ''), 0, 'caught up');

    const healthy = await get(port, '/healthz');
    assert.deepEqual(healthy, { status: 200, text: 'ok\n' });
    relay.close();
    for (const s of sockets) s.destroy();
    const sick = await until(async () => {
      const h = await get(port, '/healthz');
      return h.status === 503 ? h : null;
    }, '/healthz to fail');
    assert.match(sick.text, /nothing heard from the source/);
  } finally {
    relay.close();
    for (const s of sockets) s.destroy();
    run.child.kill('SIGTERM');
    await run.exited;
  }
});
