// Operator errors of `binlake run`: each mistake an operator can make exits with a non-zero
// code and a message that says what is wrong, where, and how to fix it. The server-side
// cases run against a private MariaDB (they change global settings and purge binlogs, which
// the shared rig server must not see); the store cases against the rig's RGW.

import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { binlake, rigEnv, rigScript, sql } from '../lib/rig.mjs';
import {
  lakeObjects, localLake, record, runBinlake, s3Lake, startBinlake, tempDir, writeConfig,
} from './run_support.mjs';

const work = tempDir('run-errors');
const DB = 'run_errors';
let server;  // env of the private MariaDB

before(async () => {
  server = await rigScript('mariadb', 'start', join(work, 'mariadb'));
  await sql(`CREATE DATABASE ${DB}; CREATE TABLE ${DB}.t (id INT PRIMARY KEY)`, { env: server });
});

after(async () => {
  if (server) await rigScript('mariadb', 'stop', join(work, 'mariadb'));
  rmSync(work, { recursive: true, force: true });
});

let configs = 0;
// A config for the private server with a fresh local lake; opts as writeConfig's.
async function config(opts = {}) {
  const dir = join(work, `case-${++configs}`);
  const lake = opts.lake ?? await localLake(join(dir, 'lake'));
  return { path: writeConfig(dir, DB, { env: server, lake, ...opts }), lake };
}

function assertFails(r, code, pattern) {
  assert.equal(r.code, code, `exit code; stderr:\n${r.stderr}`);
  assert.match(r.stderr, pattern);
}

test('an unknown config key is named with its line and the closest known key', async () => {
  const { path } = await config({ output: { cdc_max_batch_intervall: '1h' } });
  const line = readFileSync(path, 'utf8').split('\n')
      .findIndex((l) => l.includes('cdc_max_batch_intervall')) + 1;
  const r = await runBinlake(path, { serverEnv: server });
  assertFails(r, 2, new RegExp(`binlake\\.yaml:${line}: unknown key ` +
      "'output\\.cdc_max_batch_intervall'; did you mean 'cdc_max_batch_interval'\\?"));
});

test('a password from an unset environment variable names the variable', async () => {
  const { path, lake } = await config({ source: { password: '${BINLAKE_TEST_UNSET_PASSWORD}' } });
  const r = await runBinlake(path, { serverEnv: server });
  assertFails(r, 2, new RegExp('source\\.password: environment variable ' +
      'BINLAKE_TEST_UNSET_PASSWORD is not set; export it'));
  assert.deepEqual([...(await lakeObjects(lake)).keys()], []);
});

test('a wrong password says the server denied access and what to check', async () => {
  const { path, lake } = await config();
  const r = await runBinlake(path, { serverEnv: server, env: { BINLAKE_TEST_PASSWORD: 'wrong' } });
  assertFails(r, 1, new RegExp(`authenticate to 127\\.0\\.0\\.1:${server.MARIADB_PORT}: access ` +
      "denied for user 'binlake'.*check source\\.user and source\\.password"));
  assert.deepEqual([...(await lakeObjects(lake)).keys()], []);
});

test('a user without REPLICATION SLAVE is told which grant is missing', async () => {
  await sql(`CREATE USER 'norepl'@'%' IDENTIFIED BY 'norepl-pw';
             GRANT SELECT, BINLOG MONITOR ON *.* TO 'norepl'@'%'`, { env: server });
  const { path } = await config({ source: { user: 'norepl' } });
  const r = await runBinlake(path, {
    serverEnv: server, env: { BINLAKE_TEST_PASSWORD: 'norepl-pw' },
  });
  assertFails(r, 1, new RegExp("user 'norepl' logs in to 127\\.0\\.0\\.1:\\d+ but may not read " +
      'the binlog: it lacks the REPLICATION SLAVE privilege\\. As an administrator run GRANT ' +
      "REPLICATION SLAVE ON \\*\\.\\* TO 'norepl'"));
  assert.match(r.stderr,
      /Its grants now: GRANT SELECT, BINLOG MONITOR ON \*\.\* TO `norepl`@`%`\./);
  assert.doesNotMatch(r.stderr, /IDENTIFIED BY|norepl-pw/, 'no password or hash in the message');
});

test('binlog_format=STATEMENT is refused with how to switch to ROW', async () => {
  await sql("SET GLOBAL binlog_format = 'STATEMENT'", { env: server });
  try {
    const { path, lake } = await config();
    const r = await runBinlake(path, { serverEnv: server });
    assertFails(r, 1, new RegExp(`binlog_format is STATEMENT on 127\\.0\\.0\\.1:${
      server.MARIADB_PORT}, but binlake needs ROW: run SET GLOBAL binlog_format = 'ROW' and set ` +
        "binlog_format=ROW in the server's configuration"));
    assert.deepEqual([...(await lakeObjects(lake)).keys()], [], 'nothing written');
  } finally {
    await sql("SET GLOBAL binlog_format = 'ROW'", { env: server });
  }
});

test('a resume position that was purged says so and how to recover', async () => {
  const { path, lake } = await config();
  await runBinlake(path, { serverEnv: server, check: true });
  const cp = record(await lakeObjects(lake), '_binlake/checkpoints/00000000000000000000.json');
  await sql(`FLUSH BINARY LOGS; INSERT INTO ${DB}.t VALUES (1); FLUSH BINARY LOGS`,
      { env: server });
  const [[current]] = await sql('SHOW MASTER STATUS', { env: server });
  // The server keeps a file that a dump thread still reads; the thread of the run above ends
  // when the server notices the closed connection (at its next heartbeat).
  let logs;
  for (let attempt = 0; attempt < 120; ++attempt) {
    await sql(`PURGE BINARY LOGS TO '${current}'`, { env: server });
    logs = (await sql('SHOW BINARY LOGS', { env: server })).map((row) => row[0]);
    if (!logs.includes(cp.position.file)) break;
    await sleep(250);
  }
  assert.ok(!logs.includes(cp.position.file), `${cp.position.file} was purged: ${logs}`);
  const r = await runBinlake(path, { serverEnv: server });
  assertFails(r, 1, new RegExp(`the server cannot send the binlog from ${
    cp.position.file.replaceAll('.', '\\.')} \\(.*\\): the position was probably purged.*` +
      'start over with a new full load \\(empty target\\) or restore the missing binlog files'));
  // The first run's clean stop also left a copy of its row state (_binlake/state/).
  const kept = [...(await lakeObjects(lake)).keys()]
    .filter((k) => !k.startsWith('_binlake/state/'));
  assert.deepEqual(kept, ['_binlake/checkpoints/00000000000000000000.json'],
      'the checkpoint is kept as it was');
});

test('a lake written by a newer binlake is refused, naming the record, and left as it is',
    async () => {
      const { path, lake } = await config();
      await runBinlake(path, { serverEnv: server, check: true });
      const key = '_binlake/checkpoints/00000000000000000000.json';
      const file = join(lake.dir, key);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/"format": *1/, '"format": 2'));
      const before = await lakeObjects(lake);
      const r = await runBinlake(path, { serverEnv: server });
      assertFails(r, 1, new RegExp(`${key.replaceAll('.', '\\.')} has record format 2, ` +
          'this binlake reads format 1: use a binlake version that matches the lake'));
      const after = await lakeObjects(lake);
      for (const [k, bytes] of before) {
        if (!k.startsWith('_binlake/lease/')) assert.deepEqual(after.get(k), bytes, k);
      }
      assert.deepEqual([...after.keys()].filter((k) => !before.has(k)), [],
          'nothing written beside the newer records');
    });

test('a NOBLOB row image under Parquet stops the run naming the column, with nothing written',
    async () => {
      await sql(`CREATE TABLE ${DB}.blobs (id INT PRIMARY KEY, n INT, b BLOB)`, { env: server });
      try {
        const { path, lake } = await config({ output: { format: 'parquet' } });
        await runBinlake(path, { serverEnv: server, check: true });
        // Only this session logs NOBLOB images: an UPDATE that leaves b alone omits it.
        await sql(`INSERT INTO ${DB}.blobs VALUES (1, 1, 'blob');
                   SET SESSION binlog_row_image = 'NOBLOB';
                   UPDATE ${DB}.blobs SET n = 2 WHERE id = 1`, { env: server });
        const before = await lakeObjects(lake);
        const r = await runBinlake(path, { serverEnv: server });
        assertFails(r, 1, new RegExp("column 'b' is absent from the row image " +
            '\\(binlog_row_image=MINIMAL or NOBLOB\\).*set binlog_row_image=FULL on the source'));
        const written = [...(await lakeObjects(lake)).keys()]
            .filter((k) => !before.has(k) && !k.startsWith('_binlake/lease/'));
        assert.deepEqual(written.filter((k) => !k.startsWith('_binlake/intents/')), [],
            'no change file and no checkpoint past the row');
      } finally {
        await sql(`DROP TABLE ${DB}.blobs`, { env: server });
      }
    });

test('a replica without log_slave_updates is refused: what it replicates is not in its binlog',
    async () => {
      const replicaDir = join(work, 'replica');
      const replica = await rigScript('mariadb', 'start', replicaDir);
      try {
        const [[file, pos]] = await sql('SHOW MASTER STATUS', { env: server });
        await sql(`SET GLOBAL server_id = 2;
                   CHANGE MASTER TO MASTER_HOST = '${server.MARIADB_HOST}',
                     MASTER_PORT = ${server.MARIADB_PORT},
                     MASTER_USER = '${server.MARIADB_ADMIN_USER}',
                     MASTER_PASSWORD = '${server.MARIADB_ADMIN_PASSWORD}',
                     MASTER_LOG_FILE = '${file}', MASTER_LOG_POS = ${pos}, MASTER_USE_GTID = no;
                   START SLAVE`, { env: replica });
        for (let i = 0; i < 120; ++i) {
          const [[, running]] =
              await sql("SHOW GLOBAL STATUS LIKE 'Slaves_running'", { env: replica });
          if (running === '1') break;
          await sleep(250);
        }
        const dir = join(work, 'replica-case');
        const lake = await localLake(join(dir, 'lake'));
        const path = writeConfig(dir, DB, { env: replica, lake });
        const why = new RegExp('127\\.0\\.0\\.1:\\d+ is a replica with log_slave_updates off: ' +
            'the changes it applies from its source are not written to its binary log');
        const r = await runBinlake(path, { serverEnv: replica });
        assertFails(r, 1, why);
        assert.match(r.stderr, /Set log_slave_updates=ON .* or replicate from its source/);
        const c = await binlake(['check', '-c', path],
            { env: { BINLAKE_TEST_PASSWORD: replica.BINLAKE_PASSWORD } });
        assert.equal(c.code, 1, c.stdout);
        assert.match(c.stdout, /^FAIL {2}log_slave_updates/m);
        assert.match(c.stdout, why);
      } finally {
        await sql('STOP SLAVE', { env: replica }).catch(() => {});
        await rigScript('mariadb', 'stop', replicaDir);
      }
    });

test('a missing S3 bucket is named with how to create it', async () => {
  const bucket = `run-errors-missing-${process.pid}`;
  const lake = await s3Lake(`run-errors-${process.pid}`, 'lake');
  lake.url = `s3://${bucket}/lake`;
  const { path } = await config({ lake });
  const r = await runBinlake(path, { serverEnv: server });
  assertFails(r, 1, new RegExp(`bucket '${bucket}' does not exist at ${
    rigEnv('rgw').S3_ENDPOINT.replaceAll('.', '\\.')} \\(HTTP 404 NoSuchBucket\\): create it`));
});

test('a wrong S3 secret key is reported as rejected credentials', async () => {
  const lake = await s3Lake(`run-errors-${process.pid}`, 'lake');
  lake.s3 = { ...lake.s3, secret_access_key: 'not-the-secret' };
  const { path } = await config({ lake });
  const r = await runBinlake(path, { serverEnv: server });
  assertFails(r, 1, new RegExp('S3 at http://127\\.0\\.0\\.1:\\d+ rejected the credentials from ' +
      'options \\(HTTP 403 SignatureDoesNotMatch\\).*check the access key id, secret access key'));
  assert.doesNotMatch(r.stderr, /not-the-secret/, 'the secret is not logged');
});

test('an unknown S3 access key is reported as rejected credentials', async () => {
  const lake = await s3Lake(`run-errors-${process.pid}`, 'lake');
  lake.s3 = { ...lake.s3, access_key_id: 'NOSUCHKEY' };
  const { path } = await config({ lake });
  const r = await runBinlake(path, { serverEnv: server });
  assertFails(r, 1, new RegExp('S3 at http://127\\.0\\.0\\.1:\\d+ rejected the credentials from ' +
      'options \\(HTTP 403 InvalidAccessKeyId\\)'));
});

test('an unreachable S3 endpoint is named', async () => {
  // A port that was just free: nothing listens on it.
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const lake = await s3Lake(`run-errors-${process.pid}`, 'lake');
  lake.s3 = { ...lake.s3, endpoint: `http://127.0.0.1:${port}` };
  const { path } = await config({ lake });
  const r = await runBinlake(path, { serverEnv: server });
  assertFails(r, 1, new RegExp(`cannot reach S3 endpoint http://127\\.0\\.0\\.1:${port} ` +
      'after \\d+ attempts: .*check the endpoint URL, the network and that the server is running'));
});

test('a source unreachable past source.reconnect_attempts stops the run with the count', async () => {
  // A TCP relay in front of the private server: closing it cuts the replication connection
  // and refuses the reconnects.
  const sockets = new Set();
  const relay = createServer((client) => {
    const upstream = createConnection(Number(server.MARIADB_PORT), server.MARIADB_HOST);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const { path } = await config({
    source: { port: relay.address().port, reconnect_attempts: 2, reconnect_interval: '50ms' },
    extra: { cascades: 'off', truncate: 'warn' },
  });
  const run = startBinlake(path, { serverEnv: server });
  await run.waitForLog(/streaming the binlog/);
  relay.close();
  for (const s of sockets) s.destroy();
  const exited = await run.exited;
  assert.notEqual(exited.code, 0, run.stderr());
  assert.match(run.stderr(), /unreachable 3 times in a row \(source.reconnect_attempts: 2\)/);
});

test('--version names the commit; --help works on every command and exits 0', async () => {
  for (const args of [['--version'], ['version']]) {
    const r = await binlake(args);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^binlake \d+\.\d+\.\d+ \(commit (\w{12}|unknown)\)\n$/);
  }
  for (const args of [['--help'], ['help'], ['run', '--help'], ['binlog', 'dump', '-h']]) {
    const r = await binlake(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /Usage: binlake/);
    assert.match(r.stdout, /Exit codes: 0/);
  }
  const unknown = await binlake(['frobnicate']);
  assert.equal(unknown.code, 2);
});

test('a lag past half of the binlog retention is warned about, past 80% logged as an error', async () => {
  const [[file, pos]] = await sql('SHOW MASTER STATUS', { env: server });
  await sql(`SET GLOBAL binlog_expire_logs_seconds = 20; INSERT INTO ${DB}.t VALUES (100)`,
    { env: server });
  try {
    // The change is 17 s old when binlake reads it from the position before it.
    await sleep(17000);
    const { path } = await config({
      start: { file, pos: Number(pos) }, extra: { cascades: 'off', truncate: 'warn' },
    });
    const r = await runBinlake(path, { serverEnv: server, check: true });
    assert.match(r.stderr, /the source keeps its binlog for 20 s/);
    assert.match(r.stderr, /binlake is 1\d s behind the source, [89]\d% of its binlog retention \(20 s\)/);
  } finally {
    await sql('SET GLOBAL binlog_expire_logs_seconds = 0', { env: server });
  }
});
