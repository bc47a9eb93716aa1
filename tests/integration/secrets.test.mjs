// No command prints a secret: every command runs with a recognisable source password and the
// rig's S3 secret key written into its config, successful and failing, and nothing it prints
// (stdout, stderr, /metrics, /healthz) contains either. A config file that holds a secret and is
// readable by every user gets a warning.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { binlake, rigEnv, sql } from '../lib/rig.mjs';
import { s3Lake, startBinlake, tempDir } from './run_support.mjs';

const DB = `secrets_${process.pid}`;
const USER = `secrets_${process.pid}`;
const PASSWORD = 'Pw-XYZZY-4e1d';
const WRONG = 'Pw-XYZZY-wrong-77';
const work = tempDir('secrets');
const printed = [];  // every text a command printed or served

before(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO ${DB}.t VALUES (1, 'a');
    DROP USER IF EXISTS ${USER}@'%'; CREATE USER ${USER}@'%' IDENTIFIED BY '${PASSWORD}';
    GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO ${USER}@'%';`);
});
after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; DROP USER IF EXISTS ${USER}@'%';`);
  rmSync(work, { recursive: true, force: true });
});

// A config with the secrets in the file itself, readable by everyone (0644).
async function config(name, password, extra = '') {
  const m = rigEnv('mariadb');
  const lake = await s3Lake('binlake-secrets', `${DB}/${name}`);
  const dir = join(work, name);
  mkdirSync(join(dir, 'spill'), { recursive: true });
  const path = join(dir, 'binlake.yaml');
  writeFileSync(path, `source:
  host: ${m.MARIADB_HOST}
  port: ${m.MARIADB_PORT}
  user: ${USER}
  password: "${password}"
target:
  url: ${lake.url}
  s3:
    endpoint: ${lake.s3.endpoint}
    region: ${lake.s3.region}
    path_style: true
    access_key_id: ${lake.s3.access_key_id}
    secret_access_key: "${lake.s3.secret_access_key}"
tables:
  include: [${DB}.%]
output:
  cdc_max_batch_interval: 300ms
spill:
  dir: ${join(dir, 'spill')}
${extra}`);
  chmodSync(path, 0o644);
  return path;
}

async function run(args) {
  const r = await binlake(args);
  printed.push(`binlake ${args.join(' ')} (exit ${r.code})`, r.stdout, r.stderr);
  return r;
}

test('every command, successful or failing, keeps the secrets to itself', async () => {
  const good = await config('good', PASSWORD, 'metrics:\n  listen: 127.0.0.1:0\n');
  const bad = await config('bad', WRONG);
  const broken = join(work, 'broken.yaml');
  writeFileSync(broken, `source:\n  password: [${PASSWORD}\n`);

  assert.equal((await run(['check', '-c', good])).code, 0);
  assert.equal((await run(['run', '-c', good, '--stop-at-end'])).code, 0);
  const b = startBinlake(good);
  try {
    const log = await b.waitForLog(/serving \/metrics and \/healthz on http:\/\/127\.0\.0\.1:(\d+)/);
    const port = log.match(/127\.0\.0\.1:(\d+)/)[1];
    await sql(`INSERT INTO ${DB}.t VALUES (2, 'b')`);
    for (const path of ['/metrics', '/healthz']) {
      printed.push(await (await fetch(`http://127.0.0.1:${port}${path}`)).text());
    }
    assert.equal((await run(['validate', '-c', good, '--wait', '60s'])).code, 0);
  } finally {
    b.child.kill('SIGTERM');
    await b.exited;
    printed.push(b.stderr());
  }
  for (const args of [['status', '-c', good], ['status', '-c', good, '--json'],
    ['binlog', 'dump', '-c', good, '--stop-at-end'], ['validate', '-c', good, '--json', '--wait', '1s']]) {
    await run(args);
  }
  // Failing: a wrong password everywhere, and a config that does not parse.
  for (const args of [['check', '-c', bad], ['run', '-c', bad, '--stop-at-end'],
    ['status', '-c', bad], ['validate', '-c', bad], ['binlog', 'dump', '-c', bad, '--stop-at-end'],
    ['run', '-c', broken], ['check', '-c', broken]]) {
    const r = await run(args);
    assert.notEqual(r.code, 0, args.join(' '));
  }
  const all = printed.join('\n');
  assert.match(all, /Access denied/, 'the wrong password was used');
  assert.match(all, /holds a secret and every user of this machine may read it \(mode 0644\): chmod 600/);
  for (const secret of ['XYZZY', rigEnv('rgw').S3_SECRET_KEY]) {
    const at = all.indexOf(secret);
    assert.equal(at, -1, `a secret was printed: ...${all.slice(Math.max(0, at - 200), at + 50)}...`);
  }
});
