// The MariaDB rig server is set up as binlake expects of a source (docs/source-setup.md): ROW
// binlog with full metadata, TLS verifiable with the rig CA, and a `binlake` user holding only
// the documented grants. Also checks tests/lib/rig.mjs's sql() on NULLs and text.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';

import { rigEnv, sql } from '../lib/rig.mjs';

const env = rigEnv('mariadb');
const asBinlake = { user: env.BINLAKE_USER, password: env.BINLAKE_PASSWORD };
const DB = 'rig_smoke_mariadb';

before(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
             CREATE TABLE ${DB}.t (id INT PRIMARY KEY, note VARCHAR(20));`);
});

test('binlake user connects over TCP and sees the binlog settings binlake requires', async () => {
  const rows = await sql(
    `SELECT CURRENT_USER(), @@binlog_format, @@log_bin, @@binlog_row_metadata,
            @@binlog_row_image, @@server_id, @@character_set_server, @@log_bin_basename`,
    asBinlake);
  assert.deepEqual(rows, [
    ['binlake@%', 'ROW', '1', 'FULL', 'FULL', '1', 'utf8mb4', env.MARIADB_BINLOG_BASENAME],
  ]);
  const version = await sql('SELECT VERSION()', asBinlake);
  assert.deepEqual(version, [[env.MARIADB_VERSION]]);
});

test('binlake user holds exactly the documented grants', async () => {
  const rows = await sql('SHOW GRANTS', asBinlake);
  assert.equal(rows.length, 1);
  assert.match(rows[0][0],
      /^GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON \*\.\* TO `binlake`@`%` IDENTIFIED BY PASSWORD '\*[0-9A-F]{40}'$/);
});

test('binlake user cannot create or change anything', async () => {
  await assert.rejects(sql(`CREATE TABLE ${DB}.other (a INT)`, asBinlake),
      /ERROR 1142 \(42000\).*CREATE command denied to user 'binlake'/);
  await assert.rejects(sql(`INSERT INTO ${DB}.t VALUES (99, 'x')`, asBinlake),
      /ERROR 1142 \(42000\).*INSERT command denied to user 'binlake'/);
  await assert.rejects(sql('CREATE DATABASE rig_smoke_forbidden', asBinlake),
      /ERROR 1044 \(42000\).*Access denied for user 'binlake'/);
});

test('binlake user reads binlog coordinates and streams the binlog', async () => {
  await sql(`INSERT INTO ${DB}.t VALUES (1, 'héllo wörld')`);
  const [status] = await sql('SHOW MASTER STATUS', asBinlake);
  const prefix = basename(env.MARIADB_BINLOG_BASENAME);
  assert.match(status[0], new RegExp(`^${prefix}\\.\\d{6}$`));
  assert.ok(existsSync(join(env.MARIADB_BINLOG_DIR, status[0])),
      `${status[0]} is not in MARIADB_BINLOG_DIR=${env.MARIADB_BINLOG_DIR}`);
  const logs = await sql('SHOW BINARY LOGS', asBinlake);
  assert.equal(logs.at(-1)[0], status[0]);

  // A replication client's view (COM_BINLOG_DUMP needs REPLICATION SLAVE): the insert above is
  // in the stream, decoded by the server's own tool.
  const { stdout } = await promisify(execFile)('mariadb-binlog', [
    '--no-defaults', '--read-from-remote-server', `--host=${env.MARIADB_HOST}`,
    `--port=${env.MARIADB_PORT}`, `--user=${env.BINLAKE_USER}`,
    `--password=${env.BINLAKE_PASSWORD}`, '--base64-output=decode-rows', '--verbose',
    status[0],
  ], { maxBuffer: 1 << 28 });
  assert.match(stdout, /### INSERT INTO `rig_smoke_mariadb`.`t`\n### SET\n###   @1=1\n###   @2='héllo wörld'\n/);
});

test('TLS verifies against the rig CA for 127.0.0.1 and localhost', async () => {
  for (const host of ['127.0.0.1', 'localhost']) {
    const rows = await sql("SHOW SESSION STATUS LIKE 'Ssl_version'", {
      ...asBinlake,
      args: [`--host=${host}`, `--ssl-ca=${env.MARIADB_TLS_CA}`, '--ssl-verify-server-cert'],
    });
    assert.equal(rows.length, 1);
    assert.match(rows[0][1], /^TLSv1\.[23]$/, `TLS to ${host}`);
  }
});

test('TLS verification fails with a CA that did not sign the server certificate', async () => {
  await assert.rejects(
      sql('SELECT 1', {
        ...asBinlake,
        args: ['--ssl-ca=/etc/ssl/certs/ca-certificates.crt', '--ssl-verify-server-cert'],
      }),
      /ERROR 2026 \(HY000\)/);
});

test('sql() keeps NULL apart from the string NULL and returns text exactly', async () => {
  const rows = await sql(
      `SELECT NULL, 'NULL', '', 'a<b>&"c''', CONCAT('tab', CHAR(9), 'nl', CHAR(10)), '😀',
              HEX(_binary X'00FF')`);
  assert.deepEqual(rows, [[null, 'NULL', '', 'a<b>&"c\'', 'tab\tnl\n', '😀', '00FF']]);
  const all = await sql(`SELECT 1; INSERT INTO ${DB}.t VALUES (2, NULL); SELECT id FROM ${DB}.t
                         WHERE id = 3; SELECT id, note FROM ${DB}.t WHERE id = 2`, { all: true });
  assert.deepEqual(all, [[['1']], [], [['2', null]]]);
});
