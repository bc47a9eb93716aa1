// What the latency peers (cdc_latency_peer.mjs, iceberg_latency_peer.mjs) share: the S3
// client and the bucket, the start once binlake streams, a steady insert workload into
// bench.lat, and the latency summary.
// Env: MARIADB_PORT, MARIADB_ADMIN_USER, MARIADB_ADMIN_PASSWORD, S3_ENDPOINT, S3_ACCESS_KEY,
// S3_SECRET_KEY, S3_REGION.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from
  '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';

// The SDK warns on stderr that this Node version will soon be unsupported; not our concern.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Parses the peers' arguments (BUCKET PREFIX RATE SECONDS WAIT_S READY_FILE), creates BUCKET,
 * writes READY_FILE, waits until binlake's first checkpoint is in the bucket (it streams),
 * and connects to the source. Returns { s3, db, bucket, prefix, rate, seconds, waitS, get }.
 */
export async function startPeer(name, argv) {
  const [bucket, prefix, rateArg, secondsArg, waitArg, readyFile] = argv;
  const rate = Number(rateArg);
  const seconds = Number(secondsArg);
  const waitS = Number(waitArg);
  const env = process.env;
  const s3 = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.S3_ACCESS_KEY, secretAccessKey: env.S3_SECRET_KEY },
  });
  // A hung server must not hang the benchmark: give up well after the longest possible run.
  setTimeout(() => {
    console.error(`${name}_peer: no result after ${seconds + waitS + 60} s`);
    process.exit(1);
  }, (seconds + waitS + 60) * 1000).unref();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  writeFileSync(readyFile, 'ready\n');
  const startDeadline = Date.now() + 60_000;
  while (true) {
    const page = await s3.send(new ListObjectsV2Command({
      Bucket: bucket, Prefix: `${prefix}/_binlake/checkpoints/`,
    }));
    if ((page.Contents ?? []).length > 0) break;
    if (Date.now() > startDeadline) {
      console.error(`${name}_peer: no checkpoint under s3://${bucket}/${prefix}/_binlake/ after 60 s`);
      process.exit(1);
    }
    await sleep(50);
  }
  await sleep(500);
  console.error(`${new Date().toISOString().slice(11, 19)} ${name}: inserting ${rate} rows/s for ${seconds} s`);
  const db = await mysql.createConnection({
    host: '127.0.0.1',
    port: Number(env.MARIADB_PORT),
    user: env.MARIADB_ADMIN_USER,
    password: env.MARIADB_ADMIN_PASSWORD,
    database: 'bench',
  });
  await db.query("SET time_zone = '+00:00'");
  const get = async (key) => Buffer.from(await (await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key }))).Body.transformToByteArray());
  return { s3, db, bucket, prefix, rate, seconds, waitS, get };
}

/**
 * Inserts rows into bench.lat at a steady rate, one multi-row INSERT per ~10 ms tick; each row
 * carries its insert time (DATETIME(6) DEFAULT NOW(6), UTC), and insertedAt maps its id
 * (AUTO_INCREMENT, in order) to when its INSERT returned.
 */
export class InsertWorkload {
  constructor(db, rate, seconds) {
    Object.assign(this, { db, rate, seconds, inserted: 0, done: false, insertedAt: new Map() });
  }

  /** Runs to the end; resolves to the seconds it took. */
  async run() {
    const t0 = Date.now();
    while (true) {
      const elapsed = (Date.now() - t0) / 1000;
      if (elapsed >= this.seconds) break;
      const due = Math.floor(elapsed * this.rate) - this.inserted;
      if (due > 0) {
        const values = Array.from({ length: due }, (_, i) => `('r${this.inserted + i}')`).join(',');
        const [res] = await this.db.query(`INSERT INTO lat (pad) VALUES ${values}`);
        const at = Date.now();
        for (let i = 0; i < due; ++i) this.insertedAt.set(res.insertId + i, at);
        this.inserted += due;
      }
      await sleep(10);
    }
    this.done = true;
    return (Date.now() - t0) / 1000;
  }
}

/** Runs the workload and the observer's poll(deadline) together; returns the seconds run. */
export async function runWithObserver(workload, waitS, poll) {
  let workloadEnd = Infinity;
  const [seconds] = await Promise.all([
    workload.run().then((s) => { workloadEnd = Date.now(); return s; }),
    poll(() => workloadEnd + waitS * 1000),
  ]);
  await workload.db.end();
  return seconds;
}

/** The summary line: latencies in ms, each row's; goal_met when every row was seen in time. */
export function summary(latencies, workload, seconds, goalMs, extra) {
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies.length ?
    latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] : null;
  return {
    rows: latencies.length,
    inserted: workload.inserted,
    ...extra,
    workload_seconds: +seconds.toFixed(2),
    rows_per_s: Math.round(workload.inserted / seconds),
    latency_ms: { p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100), min: latencies[0] },
    goal_met: latencies.length === workload.inserted && pct(99) < goalMs,
  };
}
