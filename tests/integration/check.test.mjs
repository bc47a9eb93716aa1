// binlake check: every preflight check passes on a well set-up private rig MariaDB, and each
// problem the check lists is caught, with its fix, once the server, its users, its tables,
// the lake or the clock is set up wrong. A private server: the test changes global settings.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { binlake, rigScript, sql } from '../lib/rig.mjs';
import { binlakeEnv, localLake, runBinlake, tempDir, writeConfig } from './run_support.mjs';

const DB = 'preflight';
const work = tempDir('check');
const serverDir = join(work, 'mariadb');
let env;
const q = (text) => sql(text, { env });

before(async () => {
  env = await rigScript('mariadb', 'start', serverDir);
  await q(`CREATE DATABASE ${DB}; CREATE TABLE ${DB}.t (id INT PRIMARY KEY, v VARCHAR(10));
    CREATE USER weak@'%' IDENTIFIED BY 'weak-pw';
    GRANT SELECT, BINLOG MONITOR ON *.* TO weak@'%';`);
});

after(async () => {
  if (env) await rigScript('mariadb', 'stop', serverDir);
  rmSync(work, { recursive: true, force: true });
});

// Runs binlake check --json (under faketime with opts.faketime); the parsed report by check.
function check(config, opts = {}) {
  const args = ['check', '-c', config, '--json', ...(opts.args ?? [])];
  const envv = { ...process.env, ...binlakeEnv(env), ...(opts.env ?? {}) };
  const run = opts.faketime
    ? new Promise((resolve) => {
      execFile('faketime', ['-f', opts.faketime, process.env.BINLAKE_BIN, ...args], { env: envv },
        (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
    })
    : binlake(args, { env: envv });
  return run.then((r) => {
    assert.ok(r.stdout, `binlake check printed nothing (exit ${r.code}): ${r.stderr}`);
    const report = JSON.parse(r.stdout);
    const by = Object.fromEntries(report.checks.map((c) => [c.check, c]));
    return { code: r.code, report, by };
  });
}

function config(name, opts = {}) {
  return writeConfig(join(work, name), DB, {
    env, lake: opts.lake ?? { url: `file://${join(work, name, 'lake')}` }, ...opts,
  });
}

test('a well set-up source and target pass every check', async () => {
  const good = config('good', {
    source: { tls: { mode: 'verify_identity', ca: env.MARIADB_TLS_CA } },
  });
  const { code, report, by } = await check(good);
  const notPass = report.checks.filter((c) => c.verdict !== 'PASS');
  assert.deepEqual(notPass, []);
  assert.equal(code, 0);
  assert.equal(report.ok, true);
  for (const name of ['source reachable', 'TLS', 'log_bin', 'server_id', 'binlog_format',
    'binlog_row_image', 'binlog_row_metadata', 'grant BINLOG MONITOR', 'grant REPLICATION SLAVE',
    'binlog retention', 'clock skew', 'table selection', 'grant SELECT', 'primary keys',
    'cascading foreign keys', 'column types', 'target writable', 'conditional create',
    'resume position']) {
    assert.ok(by[name], `no line for ${name}`);
  }
  assert.match(by.TLS.detail, /TLSv1\.[23] \(tls mode verify_identity\)/);
  assert.match(by['grant REPLICATION SLAVE'].detail, /a binlog stream from .* opened and read/);

  // The human form: one line per check, and the summary.
  const text = await binlake(['check', '-c', good], { env: binlakeEnv(env) });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^PASS {2}source reachable/m);
  assert.match(text.stdout, /20 checks: 0 failed, 0 warnings/);
});

test('a wrong password, a CA that does not sign the server, an unusable target', async () => {
  const bad = config('bad-login', { lake: { url: `file://${join(work, 'a-file', 'lake')}` } });
  writeFileSync(join(work, 'a-file'), 'not a directory');
  const { code, by } = await check(bad, { env: { BINLAKE_TEST_PASSWORD: 'wrong' } });
  assert.equal(code, 1);
  assert.equal(by['source reachable'].verdict, 'FAIL');
  assert.match(by['source reachable'].detail, /Access denied|password/i);
  assert.match(by['source reachable'].fix, /source\.password/);
  assert.equal(by['source checks'].verdict, 'SKIP');
  assert.equal(by['target writable'].verdict, 'FAIL');
  assert.match(by['target writable'].detail, /a-file/);

  // TLS as configured: verify_ca with a CA bundle that does not sign the rig's certificate.
  const tls = config('bad-ca', {
    source: { tls: { mode: 'verify_ca', ca: '/etc/ssl/certs/ca-certificates.crt' } },
  });
  const t = await check(tls);
  assert.equal(t.by['source reachable'].verdict, 'FAIL');
  assert.match(t.by['source reachable'].detail, /certificate|TLS/i);
});

test('a lake whose resume position the source has purged', async () => {
  const [[file, pos]] = await q('SHOW MASTER STATUS');
  const lake = await localLake(join(work, 'purged', 'lake'));
  const cfg = writeConfig(join(work, 'purged'), DB, { env, lake, start: { file, pos: Number(pos) } });
  await q(`INSERT INTO ${DB}.t VALUES (1, 'a')`);
  await runBinlake(cfg, { check: true, serverEnv: env });
  assert.equal((await check(cfg)).by['resume position'].verdict, 'PASS');
  await q('FLUSH BINARY LOGS');
  const [[newest]] = await q('SHOW MASTER STATUS');
  // The server keeps a file a dump thread still reads (binlake's, just ended): purge again
  // until the checkpoint's file is gone.
  for (let i = 0; ; ++i) {
    await q(`PURGE BINARY LOGS TO '${newest}'`);
    if (!(await q('SHOW BINARY LOGS')).some(([f]) => f === file)) break;
    assert.ok(i < 100, `${file} is still on the server`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const { code, by } = await check(cfg);
  assert.equal(by['resume position'].verdict, 'FAIL', JSON.stringify(by['resume position']));
  assert.equal(code, 1);
  assert.match(by['resume position'].detail, /no longer has .* \(purged/);
  assert.match(by['resume position'].fix, /docs\/operations\.md/);
});

test('each misconfiguration is caught with its fix', async () => {
  await q(`USE ${DB};
    CREATE TABLE parent (id INT PRIMARY KEY);
    CREATE TABLE child (id INT PRIMARY KEY, pid INT,
      FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE CASCADE);
    CREATE TABLE nokey (a INT, b INT);
    CREATE TABLE chinese (id INT PRIMARY KEY, s VARCHAR(10) CHARACTER SET gbk);
    SET GLOBAL binlog_format = 'STATEMENT'; SET GLOBAL binlog_row_image = 'MINIMAL';
    SET GLOBAL binlog_row_metadata = 'MINIMAL'; SET GLOBAL binlog_expire_logs_seconds = 3600;`);
  try {
    // The weak user: SELECT and BINLOG MONITOR, no REPLICATION SLAVE.
    const cfg = config('misconfigured', {
      source: { user: 'weak' },
      output: { format: 'parquet' },
      extra: { cascades: 'off' },
    });
    const { code, report, by } = await check(cfg, {
      env: { BINLAKE_TEST_PASSWORD: 'weak-pw' }, faketime: '+2h', args: ['--max-downtime', '48h'],
    });
    assert.equal(code, 1);
    assert.equal(report.ok, false);
    const expect = {
      binlog_format: ['FAIL', /STATEMENT/, /binlog_format = 'ROW'/],
      binlog_row_image: ['FAIL', /MINIMAL.*Parquet/, /binlog_row_image = 'FULL'/],
      binlog_row_metadata: ['WARN', /MINIMAL/, /binlog_row_metadata = 'FULL'/],
      'grant REPLICATION SLAVE': ['FAIL', /REPLICATION SLAVE|1045|denied/i, /GRANT REPLICATION SLAVE/],
      'binlog retention': ['FAIL', /1 h \(binlog_expire_logs_seconds = 3600\).*2 d/, /binlog_expire_logs_seconds = 604800/],
      'clock skew': ['FAIL', /-7200\.\d+ s/, /NTP/],
      'primary keys': ['WARN', /preflight\.nokey/, /ADD PRIMARY KEY/],
      'cascading foreign keys': ['FAIL', /preflight\.child/, /cascades: auto/],
      'column types': ['FAIL', /preflight\.chinese\.s \(gbk\)/, /CONVERT TO CHARACTER SET utf8mb4/],
    };
    for (const [name, [verdict, detail, fix]] of Object.entries(expect)) {
      assert.equal(by[name]?.verdict, verdict, `${name}: ${JSON.stringify(by[name])}`);
      assert.match(by[name].detail, detail, name);
      assert.match(by[name].fix, fix, name);
    }
    // What is right stays right.
    for (const name of ['source reachable', 'grant BINLOG MONITOR', 'target writable', 'conditional create']) {
      assert.equal(by[name].verdict, 'PASS', name);
    }
  } finally {
    await q(`SET GLOBAL binlog_format = 'ROW'; SET GLOBAL binlog_row_image = 'FULL';
      SET GLOBAL binlog_row_metadata = 'FULL'; SET GLOBAL binlog_expire_logs_seconds = 0;`);
  }
});
