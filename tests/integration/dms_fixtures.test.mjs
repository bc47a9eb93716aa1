// The DMS artefacts of ../shared/fixtures/dms/, given to binlake unchanged (docs/migrating-
// from-dms.md): the Parquet endpoint's extra connection attributes, the S3Settings document
// (its BucketName / BucketFolder name the lake, in the rig's RGW), the task settings and the
// table mapping that selects every table of schema `db`. The run must write what DMS writes
// for those settings: schema/table/LOAD00000001.parquet and time-named CDC files under
// BucketFolder, GZIP pages, an Op column on LOAD rows (I) and CDC rows (I and U only, as
// CdcInsertsAndUpdates asks), the _dms_ingestion_timestamp column, and LOBs cut at the task's
// LobMaxSize (32 KB). Tables of other schemas are not replicated.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

import { duckdb, rigEnv, sql } from '../lib/rig.mjs';
import { lakeObjects, runBinlake, s3Lake, tempDir } from './run_support.mjs';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/dms');
const BUCKET = 'dms-to-s3-123456789012';  // the fixture's BucketName
const OTHER = `dms_other_${process.pid}`;
const work = tempDir('dms-fixtures');
after(async () => {
  await sql(`DROP DATABASE IF EXISTS db; DROP DATABASE IF EXISTS ${OTHER}`);
  rmSync(work, { recursive: true, force: true });
});

function config(prefixUnique) {
  const env = rigEnv('mariadb');
  const rgw = rigEnv('rgw');
  const text = `source:
  host: ${env.MARIADB_HOST}
  port: ${env.MARIADB_PORT}
  user: ${env.BINLAKE_USER}
  password: \${BINLAKE_TEST_PASSWORD}
target:
  s3:
    endpoint: ${rgw.S3_ENDPOINT}
    region: ${rgw.S3_REGION}
    path_style: true
    access_key_id: ${rgw.S3_ACCESS_KEY}
    secret_access_key: ${rgw.S3_SECRET_KEY}
dms:
  endpoint_settings: ${join(FIXTURES, 'extra-connection-attributes.txt')}
  s3_settings: ${join(FIXTURES, 's3-settings.json')}
  task_settings: ${join(FIXTURES, 'task-settings.json')}
  table_mappings: ${join(FIXTURES, 'table-mappings-schema.json')}
spill:
  dir: ${join(work, `spill-${prefixUnique}`)}
`;
  mkdirSync(join(work, `spill-${prefixUnique}`), { recursive: true });
  const path = join(work, `binlake-${prefixUnique}.yaml`);
  writeFileSync(path, text);
  return path;
}

test('the DMS fixtures drive a real run with DMS layout, columns and Op values', async () => {
  // The lake is the fixture's bucket and folder: empty it first (an earlier run's files).
  const lake = await s3Lake(BUCKET, 'raw_input');
  const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  const { s3Client } = await import('../lib/rig.mjs');
  for (const key of (await lakeObjects(lake)).keys()) {
    await s3Client().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `raw_input/${key}` }));
  }
  await sql(`DROP DATABASE IF EXISTS db; CREATE DATABASE db; USE db;
    CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40), notes LONGTEXT);
    INSERT INTO customers VALUES (1, 'ann', REPEAT('a', 40000)), (2, 'bob', 'short');
    CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INT, total DECIMAL(12,2));
    INSERT INTO orders SELECT seq, 1 + seq % 2, seq * 1.25 FROM seq_1_to_500;
    DROP DATABASE IF EXISTS ${OTHER}; CREATE DATABASE ${OTHER};
    CREATE TABLE ${OTHER}.t (id INT PRIMARY KEY); INSERT INTO ${OTHER}.t VALUES (1);`);
  const path = config('a');
  const first = await runBinlake(path, { check: true, timeoutMs: 240000 });
  await sql(`USE db;
    INSERT INTO customers VALUES (3, 'cy', 'new');
    UPDATE customers SET name = 'bo' WHERE id = 2;
    DELETE FROM orders WHERE id <= 10;
    UPDATE orders SET total = total + 1 WHERE id = 11;
    INSERT INTO ${OTHER}.t VALUES (2);`);
  await runBinlake(path, { check: true });

  const objects = await lakeObjects(lake);
  const data = [...objects.keys()].filter((k) => !k.startsWith('_binlake/'));
  assert.ok(data.every((k) => k.startsWith('db/')), `only schema db is replicated: ${data}`);
  assert.ok(data.includes('db/customers/LOAD00000001.parquet'), data.join(', '));
  assert.ok(data.includes('db/orders/LOAD00000001.parquet'), data.join(', '));
  const cdc = data.filter((k) => /^db\/\w+\/\d{8}-\d{9}\.parquet$/.test(k));
  assert.ok(cdc.length >= 2, `time-named CDC files: ${data.join(', ')}`);

  const local = join(work, 'download');
  for (const k of data) {
    mkdirSync(dirname(join(local, k)), { recursive: true });
    writeFileSync(join(local, k), objects.get(k));
  }
  const files = (table) => `[${data.filter((k) => k.startsWith(`db/${table}/`)).map((k) => `'${join(local, k)}'`).join(', ')}]`;
  // GZIP pages (CompressionType), on every column chunk.
  const codecs = await duckdb(`SELECT DISTINCT compression FROM parquet_metadata(${files('orders')})`);
  assert.deepEqual(codecs, [['GZIP']]);
  // Op first, then the ingestion timestamp, then the table's columns (DMS's order).
  const cols = await duckdb(`SELECT name FROM parquet_schema('${join(local, 'db/orders/LOAD00000001.parquet')}')
    WHERE name <> 'schema'`);
  assert.deepEqual(cols.map((r) => r[0]), ['Op', '_dms_ingestion_timestamp', 'id', 'customer', 'total']);
  // LOAD rows carry Op I; CDC rows I and U only (the delete of orders 1..10 is not written).
  const ops = await duckdb(`SELECT filename LIKE '%LOAD%' AS load, Op, count(*)::INTEGER FROM read_parquet(${files('orders')},
    filename = true) GROUP BY ALL ORDER BY ALL`);
  assert.deepEqual(ops, [[false, 'U', 1], [true, 'I', 500]]);
  const customers = await duckdb(`SELECT Op, id, name, length(notes)::INTEGER FROM read_parquet(${files('customers')})
    ORDER BY ALL`);
  assert.deepEqual(customers, [['I', 1, 'ann', 32768], ['I', 2, 'bob', 5], ['I', 3, 'cy', 3], ['U', 2, 'bo', 5]]);
  // The task settings' LOB limit was applied with DataTruncationErrorPolicy LOG_ERROR.
  assert.match(first.stderr, /lob_max_size 32768/);
});
