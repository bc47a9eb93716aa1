// Reading binlake's Iceberg tables back with readers nobody here wrote, for the iceberg_*
// tests:
//  - icebird (an Iceberg reader: metadata, Avro manifests, Parquet, position deletes), with a
//    fetch that serves file:// URLs from the local disk;
//  - a merge-on-read of our own over independent decoders: manifest lists and manifests read
//    with avsc, data and delete files read with DuckDB (read_parquet with file_row_number,
//    columns mapped by their Parquet field_id);
//  - header checks: field ids on every Avro field, the key-value metadata the spec requires,
//    counts that match the files.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readAvro } from '../lib/iceberg_avro.mjs';
import { duckdb } from '../lib/rig.mjs';
import { lakeObjects } from './run_support.mjs';

export { readAvro };

// URI prefixes of lakes on S3 mirrored into local directories (mirrorLake): every reader
// below reads the local copy.
const mirrors = new Map();

function localUri(uri) {
  for (const [prefix, dir] of mirrors) {
    if (uri.startsWith(prefix)) return `file://${dir}/${uri.slice(prefix.length)}`;
  }
  return uri;
}

/**
 * Copies a lake on the rig's RGW ({ bucket, prefix } from s3Lake) into `dir` (replacing what
 * was there) and makes its s3:// URIs (and the https:// form icebird derives from them) read
 * from the copy. Returns dir.
 */
export async function mirrorLake(lake, dir) {
  rmSync(dir, { recursive: true, force: true });
  for (const [key, bytes] of await lakeObjects(lake)) {
    const path = join(dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
  const root = lake.prefix ? `${lake.prefix}/` : '';
  mirrors.set(`s3://${lake.bucket}/${root}`, dir);
  mirrors.set(`https://${lake.bucket}.s3.amazonaws.com/${root}`, dir);
  return dir;
}

// icebird fetches over HTTP; a table in a local directory is served by this shim.
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init = {}) => {
  const u = localUri(String(url));
  if (!u.startsWith('file://')) return realFetch(url, init);
  const path = fileURLToPath(u);
  if (!existsSync(path)) return new Response('not found', { status: 404 });
  const bytes = readFileSync(path);
  if (init.method === 'HEAD') {
    return new Response(null, { status: 200, headers: { 'content-length': String(bytes.length) } });
  }
  const range = new Headers(init.headers).get('Range');
  if (range) {
    const m = /bytes=(\d+)-(\d*)/.exec(range);
    const start = Number(m[1]);
    const end = m[2] === '' ? bytes.length : Number(m[2]) + 1;
    return new Response(bytes.subarray(start, end), { status: 206 });
  }
  return new Response(bytes, { status: 200 });
};

function filePath(mapped) {
  const uri = localUri(mapped);
  assert.ok(uri.startsWith('file://'), `expected a file:// URI, got ${uri}`);
  return fileURLToPath(uri);
}

/** The table's current metadata (the highest v<N>.metadata.json) and its version. */
export function currentMetadata(tableDir) {
  const dir = join(tableDir, 'metadata');
  const versions = readdirSync(dir)
    .map((f) => /^v(\d+)\.metadata\.json$/.exec(f))
    .filter(Boolean)
    .map((m) => Number(m[1]));
  assert.ok(versions.length > 0, `no metadata in ${dir}`);
  const version = Math.max(...versions);
  return { version, metadata: JSON.parse(readFileSync(join(dir, `v${version}.metadata.json`))) };
}

/** Every field of a record schema (recursively) has a field-id. */
function assertFieldIds(schema, where) {
  const visit = (t) => {
    if (Array.isArray(t)) return t.forEach(visit);
    if (!t || typeof t !== 'object') return;
    if (t.type === 'record') {
      for (const f of t.fields) {
        assert.ok(Number.isInteger(f['field-id']), `${where}: field ${f.name} has no field-id`);
        visit(f.type);
      }
    } else if (t.type === 'array') {
      visit(t.items);
    } else if (t.type === 'map') {
      visit(t.values);
    }
  };
  visit(schema);
}

const num = (v) => (typeof v === 'object' && v !== null && 'toNumber' in v ? v.toNumber() : Number(v));

/**
 * Merge-on-read of the table's current snapshot with avsc and DuckDB, checking headers on the
 * way. Returns { rows (objects by current field name, DuckDB JSON values), summary, metadata }.
 */
export async function mergeOnRead(tableDir) {
  const { metadata } = currentMetadata(tableDir);
  assert.equal(metadata['format-version'], 2);
  const snapshotId = metadata['current-snapshot-id'];
  const snapshot = metadata.snapshots.find((s) => s['snapshot-id'] === snapshotId);
  assert.ok(snapshot, 'current snapshot listed');
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']);
  const list = await readAvro(filePath(snapshot['manifest-list']));
  assertFieldIds(list.schema, 'manifest list');
  assert.equal(list.meta['format-version'], '2');
  assert.equal(Number(list.meta['snapshot-id']), snapshotId);
  const dataFiles = [];
  const deletes = new Map();  // data file path → Set of positions
  for (const m of list.records) {
    const manifest = await readAvro(filePath(m.manifest_path));
    assertFieldIds(manifest.schema, m.manifest_path);
    for (const key of ['schema', 'schema-id', 'partition-spec', 'partition-spec-id',
      'format-version', 'content']) {
      assert.ok(key in manifest.meta, `${m.manifest_path}: header lacks ${key}`);
    }
    assert.equal(manifest.meta.content, m.content === 1 ? 'deletes' : 'data');
    let added = 0;
    for (const e of manifest.records) {
      if (e.status === 2) continue;
      if (e.status === 1) added += 1;
      const f = e.data_file;
      const size = readFileSync(filePath(f.file_path)).length;
      assert.equal(num(f.file_size_in_bytes), size, `${f.file_path}: file_size_in_bytes`);
      if (f.content === 0) {
        dataFiles.push(f);
      } else {
        assert.equal(f.content, 1, 'binlake writes no equality deletes');
        assert.ok(f.referenced_data_file, `${f.file_path}: referenced_data_file`);
        const rows = await duckdb(`SELECT file_path, pos FROM read_parquet('${filePath(f.file_path)}')`);
        assert.equal(rows.length, num(f.record_count), `${f.file_path}: record_count`);
        for (const [path, pos] of rows) {
          assert.equal(path, f.referenced_data_file);
          if (!deletes.has(path)) deletes.set(path, new Set());
          deletes.get(path).add(Number(pos));
        }
      }
    }
    assert.equal(added, m.added_files_count, `${m.manifest_path}: added_files_count`);
  }
  const rows = [];
  for (const f of dataFiles) {
    const path = filePath(f.file_path);
    const columns = await duckdb(
      `SELECT name, field_id FROM parquet_schema('${path}') WHERE field_id IS NOT NULL`);
    const byId = new Map(columns.map(([name, id]) => [Number(id), name]));
    // Text forms independent of DuckDB's display rules: binary as hex, timestamps with all
    // six fractional digits (timestamptz in UTC).
    const text = (col, type) => {
      if (type === 'binary') return `hex(${col})`;
      if (type === 'timestamp') return `strftime(${col}, '%Y-%m-%d %H:%M:%S.%f')`;
      if (type === 'timestamptz') return `strftime((${col})::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f')`;
      return `(${col})::VARCHAR`;
    };
    const select = schema.fields.map((fld) => (byId.has(fld.id)
      ? `${text(`"${byId.get(fld.id)}"`, fld.type)} AS "${fld.name}"` : `NULL AS "${fld.name}"`));
    const got = await duckdb(
      `SELECT file_row_number, ${select.join(', ')} FROM read_parquet('${path}', file_row_number=true)`);
    assert.equal(got.length, num(f.record_count), `${f.file_path}: record_count`);
    for (const field of schema.fields) {
      if (!byId.has(field.id)) continue;
      const nulls = got.filter((r) => r[1 + schema.fields.indexOf(field)] === null).length;
      const counted = f.null_value_counts?.find((x) => x.key === field.id);
      if (counted) assert.equal(num(counted.value), nulls, `${f.file_path}: null count of ${field.name}`);
    }
    const gone = deletes.get(f.file_path) ?? new Set();
    for (const r of got) {
      if (gone.has(Number(r[0]))) continue;
      rows.push(Object.fromEntries(schema.fields.map((fld, i) => [fld.name, r[i + 1]])));
    }
  }
  return { rows, summary: snapshot.summary, metadata, dataFiles: dataFiles.length };
}

/** The table's rows as icebird reads them (an empty table has no data manifest: []). */
export async function icebirdRows(tableDir) {
  const { icebergRead } = await import('icebird');
  const { metadata } = currentMetadata(tableDir);
  try {
    return await icebergRead({ tableUrl: `file://${tableDir}`, metadata });
  } catch (e) {
    if (/No data manifest files/.test(e.message)) return [];
    throw e;
  }
}

/**
 * Every file under the table's data/ and metadata/ is referenced by the current metadata,
 * its metadata log or a retained snapshot, and every referenced file exists.
 */
export async function assertNoOrphans(tableDir) {
  const { version, metadata } = currentMetadata(tableDir);
  const referenced = new Set([
    join(tableDir, 'metadata', `v${version}.metadata.json`),
    join(tableDir, 'metadata', 'version-hint.text'),
  ]);
  for (const e of metadata['metadata-log'] ?? []) referenced.add(filePath(e['metadata-file']));
  for (const snap of metadata.snapshots) {
    const listPath = filePath(snap['manifest-list']);
    referenced.add(listPath);
    for (const m of (await readAvro(listPath)).records) {
      referenced.add(filePath(m.manifest_path));
      for (const e of (await readAvro(filePath(m.manifest_path))).records) {
        if (e.status !== 2) referenced.add(filePath(e.data_file.file_path));
      }
    }
  }
  const present = new Set();
  for (const folder of ['data', 'metadata']) {
    const dir = join(tableDir, folder);
    if (!existsSync(dir)) continue;
    // A local lake's unfinished writes (.binlake-tmp-*) are no objects: the store never lists them.
    for (const f of readdirSync(dir)) if (!f.startsWith('.binlake-tmp-')) present.add(join(dir, f));
  }
  const orphans = [...present].filter((p) => !referenced.has(p));
  const missing = [...referenced].filter((p) => !present.has(p));
  assert.deepEqual(orphans, [], `${tableDir}: unreferenced files`);
  assert.deepEqual(missing, [], `${tableDir}: referenced files that do not exist`);
}
