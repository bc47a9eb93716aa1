// Workload and observer for bench/iceberg_latency.sh, in one process:
//  - inserts rows into bench.lat at a steady RATE (rows/s) for SECONDS, one multi-row INSERT
//    per ~10 ms tick, noting when each INSERT returned (ids are AUTO_INCREMENT, in order);
//  - lists s3://BUCKET/PREFIX/iceberg/bench/lat/metadata/ every ~50 ms; a new
//    v<N>.metadata.json makes the ids up to its snapshot's largest id visible (the upper
//    bound of field 1 in the data files its manifests list, read with avsc); each row's
//    latency is that moment minus its INSERT's return.
// Stops once every inserted row was seen (or WAIT_S seconds after the workload ends).
// Usage: node bench/iceberg_latency_peer.mjs BUCKET PREFIX RATE SECONDS WAIT_S READY_FILE
//   Creates BUCKET, writes READY_FILE, then starts inserting once binlake's first checkpoint
//   is in the bucket.
// Env: MARIADB_PORT, MARIADB_ADMIN_USER, MARIADB_ADMIN_PASSWORD, S3_ENDPOINT, S3_ACCESS_KEY,
// S3_SECRET_KEY, S3_REGION. Prints one JSON object on its last line.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from
  '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';
import avro from 'avsc';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';

// The SDK warns on stderr that this Node version will soon be unsupported; not our concern.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [bucket, prefix, rateArg, secondsArg, waitArg, readyFile] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const env = process.env;

const s3 = new S3Client({
  endpoint: env.S3_ENDPOINT,
  region: env.S3_REGION,
  forcePathStyle: true,
  credentials: { accessKeyId: env.S3_ACCESS_KEY, secretAccessKey: env.S3_SECRET_KEY },
});
// A hung server must not hang the benchmark: give up well after the longest possible run.
setTimeout(() => {
  console.error(`cdc_latency_peer: no result after ${seconds + Number(waitArg) + 60} s`);
  process.exit(1);
}, (seconds + Number(waitArg) + 60) * 1000).unref();
await s3.send(new CreateBucketCommand({ Bucket: bucket }));
writeFileSync(readyFile, 'ready\n');
// binlake is streaming once its first checkpoint (the start position) is in the bucket.
const startDeadline = Date.now() + 60_000;
while (true) {
  const page = await s3.send(new ListObjectsV2Command({
    Bucket: bucket, Prefix: `${prefix}/_binlake/checkpoints/`,
  }));
  if ((page.Contents ?? []).length > 0) break;
  if (Date.now() > startDeadline) {
    console.error(`cdc_latency_peer: no checkpoint under s3://${bucket}/${prefix}/_binlake/ after 60 s`);
    process.exit(1);
  }
  await sleep(50);
}
await sleep(500);
console.error(`${new Date().toISOString().slice(11, 19)} iceberg_latency: inserting ${rate} rows/s for ${seconds} s`);

const db = await mysql.createConnection({
  host: '127.0.0.1',
  port: Number(env.MARIADB_PORT),
  user: env.MARIADB_ADMIN_USER,
  password: env.MARIADB_ADMIN_PASSWORD,
  database: 'bench',
});
await db.query("SET time_zone = '+00:00'");

let inserted = 0;
const insertedAt = new Map();  // id -> ms when its INSERT returned
let workloadDone = false;
async function workload() {
  const t0 = Date.now();
  while (true) {
    const elapsed = (Date.now() - t0) / 1000;
    if (elapsed >= seconds) break;
    const due = Math.floor(elapsed * rate) - inserted;
    if (due > 0) {
      const values = Array.from({ length: due }, (_, i) => `('r${inserted + i}')`).join(',');
      const [res] = await db.query(`INSERT INTO lat (pad) VALUES ${values}`);
      const at = Date.now();
      for (let i = 0; i < due; ++i) insertedAt.set(res.insertId + i, at);
      inserted += due;
    }
    await sleep(10);
  }
  workloadDone = true;
  return (Date.now() - t0) / 1000;
}

const latencies = [];
let listings = 0;
let snapshots = 0;
let visibleMax = 0;
const seenVersions = new Set();
const get = async (key) => Buffer.from(await (await s3.send(
  new GetObjectCommand({ Bucket: bucket, Key: key }))).Body.transformToByteArray());
const keyOf = (uri) => uri.slice(`s3://${bucket}/`.length);
// Iceberg longs use all 64 bits (snapshot ids): read them as BigInt.
const longType = avro.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(),
  toBuffer: (n) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(n)); return b; },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n) => typeof n === 'bigint',
  compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
});
function bigLongs(t) {
  if (t === 'long') return longType;
  if (Array.isArray(t)) return t.map(bigLongs);
  if (t && typeof t === 'object') {
    if (t.type === 'long') return longType;
    const out = { ...t };
    if (out.fields) out.fields = out.fields.map((f) => ({ ...f, type: bigLongs(f.type) }));
    if (out.items) out.items = bigLongs(out.items);
    if (out.values) out.values = bigLongs(out.values);
    return out;
  }
  return t;
}
function avroRecords(buf) {
  return new Promise((resolve, reject) => {
    const out = [];
    const d = new avro.streams.BlockDecoder({ parseHook: bigLongs });
    d.on('data', (r) => out.push(r)).on('error', reject).on('end', () => resolve(out));
    d.end(buf);
  });
}
// The largest id the snapshot holds: the upper bound of field 1 over its data files.
async function snapshotMaxId(metadataKey) {
  const md = JSON.parse((await get(metadataKey)).toString());
  const snap = md.snapshots.find((x) => x['snapshot-id'] === md['current-snapshot-id']);
  if (!snap) return 0;
  let max = 0;
  for (const m of await avroRecords(await get(keyOf(snap['manifest-list'])))) {
    if (Number(m.content) !== 0) continue;
    for (const e of await avroRecords(await get(keyOf(m.manifest_path)))) {
      const ub = (e.data_file.upper_bounds ?? []).find((kv) => Number(kv.key) === 1);
      if (Number(e.status) !== 2 && ub) max = Math.max(max, Number(ub.value.readBigInt64LE(0)));
    }
  }
  return max;
}
async function poll(deadline) {
  const dir = `${prefix}/iceberg/bench/lat/metadata/`;
  while (Date.now() < deadline()) {
    if (workloadDone && latencies.length >= inserted) break;
    const started = Date.now();
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${dir}v` }));
    const now = Date.now();
    listings++;
    let newest = 0;
    for (const o of page.Contents ?? []) {
      const m = /\/v(\d+)\.metadata\.json$/.exec(o.Key);
      if (m && !seenVersions.has(o.Key)) {
        seenVersions.add(o.Key);
        newest = Math.max(newest, Number(m[1]));
      }
    }
    if (newest > 0) {
      ++snapshots;
      const max = await snapshotMaxId(`${dir}v${newest}.metadata.json`);
      for (let id = visibleMax + 1; id <= max; ++id) {
        if (insertedAt.has(id)) latencies.push(now - insertedAt.get(id));
      }
      visibleMax = Math.max(visibleMax, max);
    }
    await sleep(Math.max(0, 50 - (Date.now() - started)));
  }
}

let workloadEnd = Infinity;
const [workloadSeconds] = await Promise.all([
  workload().then((s) => { workloadEnd = Date.now(); return s; }),
  poll(() => workloadEnd + Number(waitArg) * 1000),
]);
await db.end();

latencies.sort((a, b) => a - b);
const pct = (p) => latencies.length ?
  latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] : null;
console.log(JSON.stringify({
  rows: latencies.length,
  inserted,
  snapshots,
  listings,
  workload_seconds: +workloadSeconds.toFixed(2),
  rows_per_s: Math.round(inserted / workloadSeconds),
  latency_ms: { p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100), min: latencies[0] },
  // Goal: p99 commit-to-visible under 3 s, with every inserted row seen.
  goal_met: latencies.length === inserted && pct(99) < 3000,
}));
