// Shared helpers for the `binlake run` integration tests (tests/integration/run_*.test.mjs):
// configs, starting and killing binlake, reading a lake (local directory or S3) back, and
// reading its change files with DuckDB as an independent reader.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  CreateBucketCommand, GetObjectCommand, ListObjectsV2Command,
} from '@aws-sdk/client-s3';

import { binlake, duckdb, rigEnv, s3Client, sql } from '../lib/rig.mjs';

export { prng } from '../lib/prng.mjs';

/** Resolves when a new intent appears in the lake (a batch is being written), or after
 *  timeoutMs. */
export function nextIntent(lakeDir, timeoutMs) {
  const dir = join(lakeDir, '_binlake', 'intents');
  mkdirSync(dir, { recursive: true });
  return new Promise((resolve) => {
    const done = () => {
      watcher.close();
      clearTimeout(timer);
      resolve();
    };
    const watcher = watch(dir, (event, name) => {
      if (name && !name.startsWith('.binlake-tmp-')) done();
    });
    const timer = setTimeout(done, timeoutMs);
  });
}

/** A fresh temporary directory; removed by the caller with rmSync when the test passed. */
export function tempDir(tag) {
  return mkdtempSync(join(tmpdir(), `binlake-${tag}-`));
}

/** YAML text of a value: scalars quoted as JSON (valid YAML), lists and maps in flow style. */
function yamlValue(v) {
  if (Array.isArray(v)) return `[${v.map(yamlValue).join(', ')}]`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(String(v));
}

function yamlBlock(obj, indent = '') {
  let out = '';
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out += `${indent}${k}:\n${yamlBlock(v, `${indent}  `)}`;
    } else {
      out += `${indent}${k}: ${yamlValue(v)}\n`;
    }
  }
  return out;
}

/**
 * A lake description: { url, dir } for a local directory, or { url, bucket, prefix, s3 } for
 * the rig's RGW (s3 holds the target.s3 config keys). Creates the directory or the bucket
 * (an existing bucket of the rig user is reused).
 */
export async function localLake(dir) {
  mkdirSync(dir, { recursive: true });
  return { url: `file://${dir}`, dir };
}

export async function s3Lake(bucket, prefix) {
  const env = rigEnv('rgw');
  try {
    await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (e) {
    if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
  }
  return {
    url: `s3://${bucket}/${prefix}`,
    bucket,
    prefix,
    s3: {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      path_style: true,
      access_key_id: env.S3_ACCESS_KEY,
      secret_access_key: env.S3_SECRET_KEY,
    },
  };
}

/**
 * Writes a binlake config for database `db` into dir/binlake.yaml and returns its path. The
 * source password comes from ${BINLAKE_TEST_PASSWORD} (runBinlake sets it). opts: lake (from
 * localLake / s3Lake), output (output keys), source (overrides), start, extra (more
 * top-level keys), env (a server env object instead of the rig's). Spill files (and the kept
 * Iceberg key index) go to dir/spill unless extra names a spill section.
 */
export function writeConfig(dir, db, opts) {
  const env = opts.env ?? rigEnv('mariadb');
  const config = {
    source: {
      host: env.MARIADB_HOST,
      port: Number(env.MARIADB_PORT),
      user: env.BINLAKE_USER,
      password: '${BINLAKE_TEST_PASSWORD}',
      ...(opts.source ?? {}),
    },
    target: { url: opts.lake.url, ...(opts.lake.s3 ? { s3: opts.lake.s3 } : {}) },
    output: { format: 'csv', cdc_max_batch_interval: '1h', ...(opts.output ?? {}) },
    tables: { include: [`${db}.%`] },
    full_load: false,
    // Spill files and the kept Iceberg key index stay in the test's own folder.
    spill: { dir: join(dir, 'spill') },
    ...(opts.start ? { start: opts.start } : {}),
    ...(opts.extra ?? {}),
  };
  mkdirSync(join(dir, 'spill'), { recursive: true });
  const path = join(dir, 'binlake.yaml');
  writeFileSync(path, yamlBlock(config));
  return path;
}

/** The environment binlake needs for a config from writeConfig. */
export function binlakeEnv(env = rigEnv('mariadb')) {
  return { BINLAKE_TEST_PASSWORD: env.BINLAKE_PASSWORD };
}

/**
 * `binlake run -c config [--stop-at-end]`; resolves to { code, signal, stdout, stderr }.
 * Throws with binlake's stderr when opts.check is set and the exit code is not 0.
 */
export async function runBinlake(config, opts = {}) {
  const args = ['run', '-c', config, ...(opts.stopAtEnd === false ? [] : ['--stop-at-end'])];
  const r = await binlake(args, {
    env: { ...binlakeEnv(opts.serverEnv), ...(opts.env ?? {}) },
    timeoutMs: opts.timeoutMs ?? 120000,
  });
  if (opts.check && r.code !== 0) {
    throw new Error(`binlake ${args.join(' ')} exited with ${r.code ?? r.signal}:\n${r.stderr}`);
  }
  return r;
}

// binlake processes started in the background, killed when this process exits so that a
// failed test leaves none running.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `binlake run -c config` (no --stop-at-end) in the background and returns
 * { child, exited, stderr(), waitForLog(re) }: exited resolves to { code, signal } when it
 * ends. The process is killed after opts.timeoutMs (default 180000) if still running.
 */
export function startBinlake(config, opts = {}) {
  const child = spawn(process.env.BINLAKE_BIN, ['run', '-c', config, ...(opts.args ?? [])], {
    env: { ...process.env, ...binlakeEnv(opts.serverEnv), ...(opts.env ?? {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  const lifetime = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180000);
  const err = [];
  const listeners = [];
  child.stderr.on('data', (d) => {
    err.push(d);
    for (const l of listeners) l();
  });
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(lifetime);
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const stderr = () => Buffer.concat(err).toString('utf8');
  // Resolves once stderr matches re; rejects if binlake exits first or after 60 s (a bound
  // so that a missing line fails the test instead of hanging it, not a timing assertion).
  const waitForLog = (re) => new Promise((resolve, reject) => {
    const timer = setTimeout(
        () => reject(new Error(`binlake did not log ${re} within 60 s:\n${stderr()}`)), 60000);
    const check = () => {
      if (re.test(stderr())) {
        clearTimeout(timer);
        resolve(stderr());
      }
    };
    listeners.push(check);
    check();
    exited.then((e) => {
      clearTimeout(timer);
      const how = e.code ?? e.signal;
      reject(new Error(`binlake exited (${how}) before logging ${re}:\n${stderr()}`));
    });
  });
  return { child, exited, stderr, waitForLog };
}

function walk(root, dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      walk(root, p, out);
    } else if (e.isFile() && !e.name.startsWith('.binlake-tmp-')) {
      out.set(p.slice(root.length + 1), readFileSync(p));
    }
  }
}

/**
 * Every object of a lake as a Map from key (relative to the lake root) to its bytes, in key
 * order. Local lakes skip the temporary files of unfinished writes (.binlake-tmp-*: not
 * objects, and a kill -9 may leave one behind).
 */
export async function lakeObjects(lake) {
  const out = new Map();
  if (lake.dir) {
    walk(lake.dir, lake.dir, out);
  } else {
    const s3 = s3Client();
    const root = lake.prefix ? `${lake.prefix}/` : '';
    let token;
    do {
      const page = await s3.send(new ListObjectsV2Command({
        Bucket: lake.bucket, Prefix: root, ContinuationToken: token,
      }));
      for (const o of page.Contents ?? []) {
        const got = await s3.send(new GetObjectCommand({ Bucket: lake.bucket, Key: o.Key }));
        out.set(o.Key.slice(root.length), Buffer.from(await got.Body.transformToByteArray()));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The change files of one table (keys under <db>/<table>/), in key order. */
export function tableFiles(objects, db, table) {
  return [...objects.keys()].filter((k) => k.startsWith(`${db}/${table}/`));
}

/** Parses a JSON record of the lake (_binlake/...). */
export function record(objects, key) {
  const bytes = objects.get(key);
  if (!bytes) throw new Error(`the lake has no ${key}; it has: ${[...objects.keys()].join(', ')}`);
  return JSON.parse(bytes.toString('utf8'));
}

/** The newest checkpoint record of a lake. */
export function latestCheckpoint(objects) {
  const keys = [...objects.keys()].filter((k) => k.startsWith('_binlake/checkpoints/'));
  if (keys.length === 0) throw new Error('the lake has no checkpoint');
  return record(objects, keys.at(-1));
}

function sqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Reads CSV change files with DuckDB, every column as VARCHAR (nothing re-typed), NULL as an
 * empty unquoted field and "" as the empty string. files: Map key -> bytes (written to a temp
 * directory for DuckDB); columns: the names in file order. Resolves to rows of objects, in
 * file order then line order.
 */
export async function readCsvChanges(objects, keys, columns) {
  const dir = tempDir('csv');
  try {
    const rows = [];
    for (const key of keys) {
      const path = join(dir, key.replaceAll('/', '_'));
      writeFileSync(path, objects.get(key));
      const spec = columns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ');
      rows.push(...await duckdb(
          `SELECT * FROM read_csv(${sqlString(path)}, header=false, auto_detect=false,
             delim=',', quote='"', escape='"', allow_quoted_nulls=false, max_line_size=100000000,
             columns={${spec}})`,
          { objects: true }));
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reads JSON-lines change files with DuckDB: top-level keys as VARCHAR, and for each column
 * of the table its value in data and old as text (->>) and its JSON type, so a number and a
 * string holding the same digits stay apart. Resolves to rows of
 * { op, schema, table, commit_ts, pos, gtid, data: {col: {text, type}}, old: {...} | null }.
 */
export async function readJsonChanges(objects, keys, columns, top = []) {
  const dir = tempDir('json');
  try {
    const rows = [];
    const tops = ['op', 'schema', 'table', 'commit_ts', 'pos', 'gtid', ...top];
    const select = [
      ...tops.map((t) => `"${t}"`),
      'old IS NULL AS no_old',
      ...columns.flatMap((c, i) => [
        `data->>${sqlString(c)} AS d${i}`, `json_type(data->${sqlString(c)}) AS dt${i}`,
        `old->>${sqlString(c)} AS o${i}`, `json_type(old->${sqlString(c)}) AS ot${i}`,
      ]),
    ].join(', ');
    const spec = [...tops.map((t) => `"${t}": 'VARCHAR'`), `data: 'JSON'`, `old: 'JSON'`];
    for (const key of keys) {
      const path = join(dir, key.replaceAll('/', '_'));
      writeFileSync(path, objects.get(key));
      const got = await duckdb(
          `SELECT ${select} FROM read_json(${sqlString(path)}, format='newline_delimited',
             columns={${spec.join(', ')}})`,
          { objects: true });
      for (const r of got) {
        const row = { data: {}, old: r.no_old ? null : {} };
        for (const t of tops) row[t] = r[t];
        columns.forEach((c, i) => {
          row.data[c] = { text: r[`d${i}`], type: r[`dt${i}`] };
          if (row.old) row.old[c] = { text: r[`o${i}`], type: r[`ot${i}`] };
        });
        rows.push(row);
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Replays the CSV change log of db.table (written with include_op_for_full_load and the
 * timestamp and sequence columns named ts and seq) in sequence order, asserting that no
 * (sequence, key) appears twice (the rows of one snapshot share their LOAD sequence value; a
 * change has its own) and, with opts.strict, that every I, U and D fits the state before it.
 * Resolves to the table's rows as sorted 'v1|v2|...' lines, ready to compare with
 * sourceLines().
 */
export async function replayChangeLog(objects, db, table, columns, opts = {}) {
  const key = opts.key ?? columns[0];
  const rows = await readCsvChanges(objects, tableFiles(objects, db, table),
      ['Op', 'ts', 'seq', ...columns]);
  const ids = rows.map((r) => `${r.seq}|${r[key]}`);
  assert.equal(new Set(ids).size, ids.length, `${table}: every change once`);
  rows.sort((x, y) => (x.seq < y.seq ? -1 : x.seq > y.seq ? 1 : 0));
  const state = new Map();
  for (const r of rows) {
    if (opts.strict) {
      if (r.Op === 'D') {
        assert.ok(state.has(r[key]), `${table}: delete of ${r[key]} that is not there`);
      } else {
        assert.equal(state.has(r[key]), r.Op === 'U', `${table}: ${r.Op} of ${r[key]}`);
      }
    }
    if (r.Op === 'D') state.delete(r[key]);
    else state.set(r[key], columns.map((c) => r[c]));
  }
  return [...state.values()].map((r) => r.map((v) => v ?? '').join('|')).sort();
}

/** SELECT columns FROM db.table as sorted 'v1|v2|...' lines (NULL as ''). */
export async function sourceLines(db, table, columns) {
  const rows = await sql(`SELECT ${columns.join(', ')} FROM ${db}.${table}`);
  return rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join('|')).sort();
}

/**
 * Resolves once a CSV change file under db/ of the local lake in `dir` holds `text`; rejects
 * after timeoutMs, 60 s by default (a bound so that a change that never arrives fails the
 * test, not a timing assertion).
 */
export async function waitForLakeText(dir, db, text, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  const walk = (d) => readdirSync(d, { withFileTypes: true }).some((e) => (e.isDirectory()
    ? walk(join(d, e.name))
    : e.name.endsWith('.csv') && readFileSync(join(d, e.name), 'utf8').includes(text)));
  while (Date.now() < deadline) {
    try {
      if (walk(join(dir, db))) return;
    } catch {
      // the table's folder does not exist yet
    }
    await sleep(200);
  }
  throw new Error(`no change file of ${dir} holds ${text} after ${timeoutMs / 1000} s`);
}
