// Helpers for node:test integration tests against the rig servers that ctest starts
// (tests/rig/mariadb.sh, tests/rig/rgw.sh). See docs/testing.md.
//
//   import { rigEnv, sql, binlake, s3Client, duckdb } from '../lib/rig.mjs';
//
// Every helper reads the servers' KEY=VALUE env files under $BINLAKE_RIG_DIR, which ctest sets
// for tests registered with binlake_integration_test(... FIXTURES mariadb rgw).

import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { S3Client } from '@aws-sdk/client-s3';

const RIG_SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'rig');

/**
 * The KEY=VALUE pairs a rig server wrote to $BINLAKE_RIG_DIR/<service>/env, as an object.
 * service: 'mariadb' or 'rgw'. Throws, naming the file, when the server is not running.
 * Read afresh on each call (a restart changes MARIADB_PID).
 */
export function rigEnv(service) {
  const rigDir = process.env.BINLAKE_RIG_DIR;
  if (!rigDir) {
    throw new Error(
      `BINLAKE_RIG_DIR is not set, so there is no ${service} rig server: run the test through ` +
        'ctest (it starts the servers), e.g. `ctest --test-dir build -R <test>`');
  }
  return readEnvFile(join(rigDir, service, 'env'), service);
}

/**
 * Restarts the rig MariaDB (same datadir, port, users; a new binlog file): for tests of
 * reconnection. Resolves when the server answers queries again. dir defaults to the ctest
 * rig's; the server is shared with other tests running at the same time, so tests that
 * restart it should run their own (tests/rig/mariadb.sh start DIR, as
 * tests/integration/rig_smoke_lifecycle.test.mjs does).
 */
export function restartMariadb(dir = join(process.env.BINLAKE_RIG_DIR ?? '', 'mariadb')) {
  return rigScript('mariadb', 'restart', dir);
}

/**
 * Runs tests/rig/<service>.sh <action> <dir> (start, stop, restart) and resolves to the
 * server's env object after start/restart (null after stop). Rejects with the script's log.
 * A server started here is stopped by the rig's watchdog when its owner process ends:
 * opts.ownerPid, by default this process.
 */
export function rigScript(service, action, dir, opts = {}) {
  const script = join(RIG_SCRIPTS, `${service}.sh`);
  return new Promise((resolve, reject) => {
    const env = { ...process.env, BINLAKE_RIG_OWNER_PID: String(opts.ownerPid ?? process.pid) };
    execFile(script, [action, dir], { encoding: 'utf8', env }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${script} ${action} ${dir} failed:\n${stderr}`));
        return;
      }
      resolve(action === 'stop' ? null : readEnvFile(join(dir, 'env'), service));
    });
  });
}

/**
 * Reads a rig env file (KEY=VALUE lines) into an object; service names the server in errors.
 */
export function readEnvFile(file, service = 'rig') {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(
      `cannot read ${file} (${e.code}): the ${service} rig server is not running; ` +
        `start it with tests/rig/${service}.sh start ${dirname(file)} or run through ctest`);
  }
  const env = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (line === '' || line.startsWith('#') || eq < 0) continue;
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

// Entities the mariadb client's --xml output uses.
const XML_ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function xmlUnescape(s) {
  return s.replace(/&(lt|gt|amp|quot|apos|#x?[0-9a-fA-F]+);/g, (m, name) => {
    if (name in XML_ENTITIES) return XML_ENTITIES[name];
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

// Parses `mariadb --xml` output: one <resultset> per statement that returned rows.
function parseXmlResults(xml) {
  const results = [];
  for (const rs of xml.split('<resultset').slice(1)) {
    const rows = [];
    for (const row of rs.split('<row>').slice(1)) {
      const fields = [];
      const re = /<field name="[^"]*"(?: xsi:nil="true" \/>|>([\s\S]*?)<\/field>)/g;
      for (const m of row.matchAll(re)) fields.push(m[1] === undefined ? null : xmlUnescape(m[1]));
      rows.push(fields);
    }
    results.push(rows);
  }
  return results;
}

/**
 * Runs SQL (one or more statements) with the `mariadb` client against the rig server and
 * resolves to the rows of the last statement that returned rows: an array of rows, each an
 * array of strings, with SQL NULL as null. Values are the server's text form decoded as UTF-8
 * (utf8mb4 connection), exact for text, numbers and temporals. Select binary data or text
 * with control characters as HEX(col): the XML output cannot carry a NUL byte.
 *
 * opts: user / password (default the admin; e.g. rigEnv('mariadb').BINLAKE_USER),
 *       database, env (a server's env object instead of rigEnv('mariadb'), for a test that
 *       runs its own server with tests/rig/mariadb.sh), all (resolve to every result set: an array of row arrays),
 *       args (extra client arguments, e.g. ['--ssl-ca=...', '--ssl-verify-server-cert']).
 * Rejects with the client's error message (e.g. "ERROR 1142 (42000) ...") on failure.
 */
export function sql(text, opts = {}) {
  const env = opts.env ?? rigEnv('mariadb');
  const user = opts.user ?? env.MARIADB_ADMIN_USER;
  const password = opts.password ?? env.MARIADB_ADMIN_PASSWORD;
  const args = [
    '--no-defaults', '--protocol=TCP', `--host=${env.MARIADB_HOST}`, `--port=${env.MARIADB_PORT}`,
    `--user=${user}`, '--default-character-set=utf8mb4', '--xml', ...(opts.args ?? []),
  ];
  if (opts.database) args.push(`--database=${opts.database}`);
  return new Promise((resolve, reject) => {
    const child = execFile('mariadb', args, {
      env: { ...process.env, MYSQL_PWD: password },
      maxBuffer: 1 << 30,
      encoding: 'utf8',
    }, (err, stdout, stderr) => {
      if (err) {
        const where = `${user}@${env.MARIADB_HOST}:${env.MARIADB_PORT}`;
        reject(new Error(`mariadb as ${where} failed: ${stderr.trim() || err.message}`));
        return;
      }
      const results = parseXmlResults(stdout);
      resolve(opts.all ? results : (results.at(-1) ?? []));
    });
    child.stdin.end(text);
  });
}

/**
 * Runs the binlake executable ($BINLAKE_BIN, set by ctest) with args (array of strings).
 * opts: env (added to the inherited environment), cwd, input (written to stdin),
 *       timeoutMs (SIGKILL after it; default 300000).
 * Resolves to { code, signal, stdout, stderr } (code null when killed by a signal); never
 * rejects for a non-zero exit, so tests can assert on failures.
 */
export function binlake(args, opts = {}) {
  const bin = process.env.BINLAKE_BIN;
  if (!bin) throw new Error('BINLAKE_BIN is not set: run the test through ctest');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...(opts.env ?? {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${bin}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * An S3Client for the rig's RADOS Gateway: path-style addressing, the rig user's keys.
 * overrides are merged into the client config (e.g. { credentials: {...} } for a wrong key).
 */
export function s3Client(overrides = {}) {
  const env = rigEnv('rgw');
  // The SDK warns on every run that its 2027 releases will need node 22; the rig's node is the
  // one the machine has.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.S3_ACCESS_KEY, secretAccessKey: env.S3_SECRET_KEY },
    maxAttempts: 1,
    ...overrides,
  });
}

/**
 * Runs SQL in a fresh in-memory DuckDB and resolves to its rows, each an array of JSON-safe
 * values: exact strings for BIGINT, DECIMAL, TIMESTAMP, DATE; numbers for INTEGER and DOUBLE;
 * null for NULL. opts.objects: rows as { column: value } instead. DuckDB reads local files
 * (read_parquet, read_csv, read_json); it has no S3 access here, so download objects first.
 */
export async function duckdb(text, opts = {}) {
  // Loaded on first use: the native module is large and most tests do not need it.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(text);
    if (!opts.objects) return reader.getRowsJson();
    const names = reader.columnNames();
    return reader.getRowsJson().map((row) => Object.fromEntries(row.map((v, i) => [names[i], v])));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
