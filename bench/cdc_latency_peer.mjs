// Workload and observer for bench/cdc_latency.sh, in one process:
//  - inserts rows into bench.lat at a steady RATE (rows/s) for SECONDS, each row carrying its
//    insert time (DATETIME(6) DEFAULT NOW(6), session time zone UTC), one multi-row INSERT
//    per ~10 ms tick;
//  - lists s3://BUCKET/PREFIX/bench/lat/ every ~20 ms; the first listing that shows an
//    object is when it became visible; it is then read and every row's latency is
//    visible-time minus insert time.
// Stops once every inserted row was seen (or WAIT_S seconds after the workload ends).
// Usage: node bench/cdc_latency_peer.mjs BUCKET PREFIX RATE SECONDS WAIT_S READY_FILE
//   Creates BUCKET, writes READY_FILE, then starts inserting once binlake's first checkpoint
//   is in the bucket.
// Env: MARIADB_PORT, MARIADB_ADMIN_USER, MARIADB_ADMIN_PASSWORD, S3_ENDPOINT, S3_ACCESS_KEY,
// S3_SECRET_KEY, S3_REGION. Prints one JSON object on its last line.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from
  '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';
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
console.error(`${new Date().toISOString().slice(11, 19)} cdc_latency: inserting ${rate} rows/s for ${seconds} s`);

const db = await mysql.createConnection({
  host: '127.0.0.1',
  port: Number(env.MARIADB_PORT),
  user: env.MARIADB_ADMIN_USER,
  password: env.MARIADB_ADMIN_PASSWORD,
  database: 'bench',
});
await db.query("SET time_zone = '+00:00'");

let inserted = 0;
let workloadDone = false;
async function workload() {
  const t0 = Date.now();
  while (true) {
    const elapsed = (Date.now() - t0) / 1000;
    if (elapsed >= seconds) break;
    const due = Math.floor(elapsed * rate) - inserted;
    if (due > 0) {
      const values = Array.from({ length: due }, (_, i) => `('r${inserted + i}')`).join(',');
      await db.query(`INSERT INTO lat (pad) VALUES ${values}`);
      inserted += due;
    }
    await sleep(10);
  }
  workloadDone = true;
  return (Date.now() - t0) / 1000;
}

const seen = new Map();  // key -> visible time (ms since epoch)
const latencies = [];
let listings = 0;
async function readObject(key, visibleAt) {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = await got.Body.transformToString();
  for (const line of text.split('\n')) {
    if (!line) continue;
    // Op,id,inserted,pad: the insert time is the third field, UTC.
    const insertedAt = Date.parse(`${line.split(',')[2].replace(' ', 'T')}Z`);
    latencies.push(visibleAt - insertedAt);
  }
}
async function poll(deadline) {
  const reads = [];
  while (Date.now() < deadline()) {
    if (workloadDone && latencies.length >= inserted) break;
    const started = Date.now();
    let token;
    do {
      const page = await s3.send(new ListObjectsV2Command({
        Bucket: bucket, Prefix: `${prefix}/bench/lat/`, ContinuationToken: token,
      }));
      const now = Date.now();
      for (const o of page.Contents ?? []) {
        if (seen.has(o.Key)) continue;
        seen.set(o.Key, now);
        reads.push(readObject(o.Key, now));
      }
      token = page.NextContinuationToken;
    } while (token);
    listings++;
    await Promise.all(reads.splice(0));
    await sleep(Math.max(0, 20 - (Date.now() - started)));
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
  objects: seen.size,
  listings,
  workload_seconds: +workloadSeconds.toFixed(2),
  rows_per_s: Math.round(inserted / workloadSeconds),
  latency_ms: { p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100), min: latencies[0] },
  // Goal: p99 commit-to-visible under 1 s, with every inserted row seen.
  goal_met: latencies.length === inserted && pct(99) < 1000,
}));
