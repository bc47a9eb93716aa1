// Live capture against the rig MariaDB: `binlake binlog dump -c CONFIG` from a position, from
// the current binlog end and from a GTID; `binlake run` with start.gtid receives exactly the
// transactions after the GTID.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { binlake, rigEnv, sql } from '../lib/rig.mjs';
import {
  binlakeEnv, lakeObjects, localLake, readJsonChanges, runBinlake, tableFiles, tempDir,
  writeConfig,
} from './run_support.mjs';

const DB = `capture_live_${process.pid}`;
const work = tempDir('capture-live');

after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  rmSync(work, { recursive: true, force: true });
});

async function binlogEnd() {
  const [[file, pos]] = await sql('SHOW MASTER STATUS');
  return `${file}:${pos}`;
}

// The ROW lines of one table from dump output (complete lines only: a killed dump may leave a
// partial last line).
function rowLines(stdout, table) {
  return stdout.split('\n').slice(0, -1).map((l) => JSON.parse(l))
      .filter((e) => e.type === 'ROW' && e.table === `${DB}.${table}`);
}

function strip(e) {
  const out = { op: e.op };
  if (e.before) out.before = e.before;
  if (e.after) out.after = e.after;
  return out;
}

test('setup', async () => {
  await sql(`CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.t (
      id INT PRIMARY KEY, big BIGINT UNSIGNED, d DECIMAL(30,10), s VARCHAR(40), dt DATETIME(6),
      b VARBINARY(8), e ENUM('x','y''z'), j JSON, f DOUBLE) CHARSET utf8mb4`);
});

test('binlog dump -c from FILE:POS --stop-at-end prints the rows with exact values', async () => {
  const start = await binlogEnd();
  await sql(`INSERT INTO ${DB}.t VALUES
      (1, 18446744073709551615, -12345678901234567890.0123456789, 'caf\u00e9 \u{1F600}',
       '2026-02-28 23:59:59.000001', X'00ff10', 'y''z', '{"a":[1,2.5,null]}', 0.1),
      (2, NULL, 0, '', '1000-01-01 00:00:00', X'', 'x', NULL, -1e300);
    UPDATE ${DB}.t SET s = 'two', big = 0 WHERE id = 2;
    DELETE FROM ${DB}.t WHERE id = 1;`);
  const lake = await localLake(join(work, 'dump-lake'));
  const config = writeConfig(join(work, 'dump'), DB, { lake });
  const r = await binlake(['binlog', 'dump', '-c', config, '--from', start, '--stop-at-end'],
      { env: binlakeEnv(), timeoutMs: 60000 });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
  // The stream opens with the server's fake ROTATE naming the start file, then its format.
  assert.deepEqual(lines[0].type, 'ROTATE');
  assert.equal(lines[0].next_file, start.split(':')[0]);
  assert.equal(lines[1].type, 'FORMAT_DESCRIPTION');
  const one = {
    id: 1, big: 18446744073709551615n, d: '-12345678901234567890.0123456789',
    s: 'caf\u00e9 \u{1F600}', dt: '2026-02-28 23:59:59.000001', b: '00ff10', e: "y'z",
    // MariaDB's JSON is LONGTEXT with a check: the binlog holds the text as written.
    j: '{"a":[1,2.5,null]}', f: 0.1,
  };
  const two = {
    id: 2, big: null, d: '0.0000000000', s: '', dt: '1000-01-01 00:00:00.000000', b: '', e: 'x',
    j: null, f: -1e300,
  };
  // JSON.parse loses the 64-bit integer: compare that one as text.
  assert.match(r.stdout, /"big":18446744073709551615,/);
  const rows = rowLines(r.stdout, 't').map(strip);
  const fix = (row) => (
    row.big === 18446744073709552000 ? { ...row, big: 18446744073709551615n } : row);
  for (const row of rows) {
    if (row.before) row.before = fix(row.before);
    if (row.after) row.after = fix(row.after);
  }
  assert.deepEqual(rows, [
    { op: 'I', after: one },
    { op: 'I', after: two },
    { op: 'U', before: two, after: { ...two, s: 'two', big: 0 } },
    { op: 'D', before: one },
  ]);
});

test('binlog dump -c without --from starts at the current binlog end and waits for events',
    async () => {
      await sql(`INSERT INTO ${DB}.t (id, s) VALUES (10, 'before the dump')`);
      const lake = await localLake(join(work, 'wait-lake'));
      const config = writeConfig(join(work, 'wait'), DB, { lake });
      const child = spawn(process.env.BINLAKE_BIN, ['binlog', 'dump', '-c', config],
          { env: { ...process.env, ...binlakeEnv() }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      const waiting = [];
      child.stdout.on('data', (d) => {
        out += d;
        for (const w of waiting) w();
      });
      child.stderr.on('data', (d) => { err += d; });
      const exited = new Promise((resolve) => child.on('close', resolve));
      const seen = (re) => new Promise((resolve, reject) => {
        const check = () => { if (re.test(out)) resolve(); };
        waiting.push(check);
        exited.then(() => reject(new Error(`dump exited before ${re}:\n${err}`)));
        check();
      });
      try {
        await seen(/"type":"FORMAT_DESCRIPTION"/);
        await sql(`INSERT INTO ${DB}.t (id, s) VALUES (11, 'after the dump started')`);
        await seen(/"after":\{"id":11,[^\n]*\n/);
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
      assert.deepEqual(rowLines(out, 't').map((e) => [e.op, e.after.id, e.after.s]),
          [['I', 11, 'after the dump started']]);
    });

test('start.gtid: binlake run receives exactly the transactions after the GTID', async () => {
  await sql(`CREATE TABLE ${DB}.g (id INT PRIMARY KEY, v VARCHAR(10))`);
  for (let i = 1; i <= 3; ++i) await sql(`INSERT INTO ${DB}.g VALUES (${i}, 'old${i}')`);
  // The server's GTID position after transaction 3 (other tests may write too: their
  // transactions up to here are in the set, and they are not in this database anyway).
  const [[gtid]] = await sql('SELECT @@gtid_binlog_pos');
  await sql(`INSERT INTO ${DB}.g VALUES (4, 'new4');
    UPDATE ${DB}.g SET v = 'new1' WHERE id = 1;
    DELETE FROM ${DB}.g WHERE id = 2;`);

  const lake = await localLake(join(work, 'gtid-lake'));
  const config = writeConfig(join(work, 'gtid'), DB, {
    lake, start: { gtid }, output: { format: 'jsonl' },
  });
  const r = await runBinlake(config, { check: true });
  assert.match(r.stderr, new RegExp(`GTID set '${gtid}' ends at mariadb-bin\\.\\d+:\\d+`));
  const objects = await lakeObjects(lake);
  const rows = await readJsonChanges(objects, tableFiles(objects, DB, 'g'), ['id', 'v']);
  assert.deepEqual(rows.map((x) => [x.op, x.data.id.text, x.data.v.text]), [
    ['I', '4', 'new4'],
    ['U', '1', 'new1'],
    ['D', '2', 'old2'],
  ]);
  // Every transaction's GTID follows the start position in its domain.
  const [domain, , seq] = gtid.split(',').find((g) => g.startsWith('0-')).split('-');
  for (const x of rows) {
    const [d, , s] = x.gtid.split('-');
    assert.equal(d, domain);
    assert.ok(Number(s) > Number(seq), `${x.gtid} is not after ${gtid}`);
  }
});

test('start.timestamp: binlake run begins at the first transaction committed at or after it', async () => {
  await sql(`CREATE TABLE ${DB}.ts (id INT PRIMARY KEY, v VARCHAR(10))`);
  await sql(`INSERT INTO ${DB}.ts VALUES (1, 'before'), (2, 'before')`);
  // Commit times are whole seconds: the rows below are committed in a later second than
  // those above, and that second is the start.
  const [[now]] = await sql('SELECT UNIX_TIMESTAMP()');
  const start = Number(now) + 2;
  while (Number((await sql('SELECT UNIX_TIMESTAMP()'))[0][0]) < start) await sleep(100);
  await sql(`INSERT INTO ${DB}.ts VALUES (3, 'after'); UPDATE ${DB}.ts SET v = 'after' WHERE id = 1`);

  const lake = await localLake(join(work, 'timestamp-lake'));
  const config = writeConfig(join(work, 'timestamp'), DB, {
    lake, start: { timestamp: start }, output: { format: 'jsonl' },
  });
  await runBinlake(config, { check: true });
  const objects = await lakeObjects(lake);
  const rows = await readJsonChanges(objects, tableFiles(objects, DB, 'ts'), ['id', 'v']);
  assert.deepEqual(rows.map((x) => [x.op, x.data.id.text, x.data.v.text]), [
    ['I', '3', 'after'],
    ['U', '1', 'after'],
  ]);
});

test('--stop-at-end reads past a binlog rotation to the end it saw at start', async () => {
  await sql(`CREATE TABLE ${DB}.rot (id INT PRIMARY KEY, pad VARCHAR(200))`);
  const lake = await localLake(join(work, 'rotation-lake'));
  const config = writeConfig(join(work, 'rotation'), DB, { lake, output: { format: 'jsonl' } });
  await runBinlake(config, { check: true });  // the lake starts here
  // A long run of the old file, then a rotation, then a short run of the new one: the
  // ROTATE's offset (in the old file) is far beyond the new file's end.
  await sql(`INSERT INTO ${DB}.rot SELECT seq, REPEAT('x', 200) FROM seq_1_to_2000`,
      { database: DB });
  await sql('FLUSH BINARY LOGS');
  await sql(`INSERT INTO ${DB}.rot VALUES (5001, 'after the rotation')`);
  await runBinlake(config, { check: true });
  const objects = await lakeObjects(lake);
  const rows = await readJsonChanges(objects, tableFiles(objects, DB, 'rot'), ['id']);
  assert.equal(rows.length, 2001);
  assert.equal(rows.at(-1).data.id.text, '5001');
});

test('start.gtid the server never wrote fails naming the set', async () => {
  const lake = await localLake(join(work, 'bad-gtid-lake'));
  const config = writeConfig(join(work, 'bad-gtid'), DB, {
    lake, start: { gtid: '0-1-999999999' },
  });
  const r = await runBinlake(config);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /GTID set '0-1-999999999'/);
});
