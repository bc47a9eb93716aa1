// tests/rig/mariadb.sh's life cycle on a private server (the shared rig server is left alone):
// restart keeps data, port and users; start over a DIR whose server still runs replaces it;
// stop leaves no process behind; the watchdog stops a server whose owner process died. Runs
// without ctest fixtures.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { rigScript, sql } from '../lib/rig.mjs';

const dir = mkdtempSync(join(tmpdir(), 'binlake-rig-lifecycle-'));

// True while PID is a live mariadbd process (not a zombie awaiting its reaper).
function isRunningMariadbd(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2)[0];
    return stat.includes('(mariadbd)') && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

after(async () => {
  await rigScript('mariadb', 'stop', dir);
  rmSync(dir, { recursive: true, force: true });
});

test('start, restart, start over a running DIR, stop', async () => {
  const first = await rigScript('mariadb', 'start', dir);
  assert.equal(first.MARIADB_HOST, '127.0.0.1');
  assert.equal(first.MARIADB_DATADIR, join(dir, 'data'));
  assert.ok(isRunningMariadbd(first.MARIADB_PID));
  await sql(`CREATE DATABASE life; CREATE TABLE life.t (id INT PRIMARY KEY);
             INSERT INTO life.t VALUES (1), (2)`, { env: first });
  assert.deepEqual(await sql('SHOW MASTER STATUS', { env: first }),
      [['mariadb-bin.000001', await binlogSize(first, 'mariadb-bin.000001'), '', '']]);

  const restarted = await rigScript('mariadb', 'restart', dir);
  assert.equal(restarted.MARIADB_PORT, first.MARIADB_PORT);
  assert.notEqual(restarted.MARIADB_PID, first.MARIADB_PID);
  assert.ok(!isRunningMariadbd(first.MARIADB_PID));
  assert.deepEqual(await sql('SELECT id FROM life.t ORDER BY id', { env: restarted }),
      [['1'], ['2']]);
  // The binlake user survives the restart; the server opened a new binlog file.
  assert.deepEqual(await sql('SELECT CURRENT_USER()', {
    env: restarted, user: restarted.BINLAKE_USER, password: restarted.BINLAKE_PASSWORD,
  }), [['binlake@%']]);
  const logs = await sql('SHOW BINARY LOGS', { env: restarted });
  assert.deepEqual(logs.map((r) => r[0]), ['mariadb-bin.000001', 'mariadb-bin.000002']);

  // A stale DIR whose server is still running (a run killed before its stop) starts afresh.
  const fresh = await rigScript('mariadb', 'start', dir);
  assert.ok(!isRunningMariadbd(restarted.MARIADB_PID));
  assert.ok(isRunningMariadbd(fresh.MARIADB_PID));
  assert.deepEqual(await sql("SHOW DATABASES LIKE 'life'", { env: fresh }), []);

  await rigScript('mariadb', 'stop', dir);
  assert.ok(!isRunningMariadbd(fresh.MARIADB_PID));
  assert.ok(!existsSync(join(dir, 'env')), 'stop removes the env file');
  // Stopping twice is harmless.
  await rigScript('mariadb', 'stop', dir);
});

test('the watchdog stops the server when its owner process is gone', async () => {
  // The owner stands in for a ctest that was killed before it could run the stop fixture.
  const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
  const env = await rigScript('mariadb', 'start', dir, { ownerPid: owner.pid });
  assert.ok(isRunningMariadbd(env.MARIADB_PID));
  owner.kill('SIGKILL');
  // The watchdog polls once a second, then stops mariadbd (SIGKILL after 10 s at most) and
  // removes the env file.
  const envFile = join(dir, 'env');
  for (let i = 0; i < 600 && (isRunningMariadbd(env.MARIADB_PID) || existsSync(envFile)); i++) {
    await sleep(100);
  }
  assert.ok(!isRunningMariadbd(env.MARIADB_PID), `mariadbd ${env.MARIADB_PID} outlived its owner`);
  assert.ok(!existsSync(envFile), 'the watchdog\'s stop removes the env file');
});

async function binlogSize(env, file) {
  const rows = await sql('SHOW BINARY LOGS', { env });
  return rows.find((r) => r[0] === file)[1];
}
