// Workload and observer for bench/cdc_latency.sh, in one process:
//  - inserts rows into bench.lat at a steady RATE (rows/s) for SECONDS (latency_peer_lib.mjs);
//  - lists s3://BUCKET/PREFIX/bench/lat/ every ~20 ms; the first listing that shows an
//    object is when it became visible; it is then read and every row's latency is
//    visible-time minus insert time.
// Stops once every inserted row was seen (or WAIT_S seconds after the workload ends).
// Usage: node bench/cdc_latency_peer.mjs BUCKET PREFIX RATE SECONDS WAIT_S READY_FILE
//   Creates BUCKET, writes READY_FILE, then starts inserting once binlake's first checkpoint
//   is in the bucket. Prints one JSON object on its last line.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';

import { InsertWorkload, runWithObserver, startPeer, summary } from './latency_peer_lib.mjs';

const peer = await startPeer('cdc_latency', process.argv.slice(2));
const { s3, bucket, prefix } = peer;
const workload = new InsertWorkload(peer.db, peer.rate, peer.seconds);

const seen = new Map();  // key -> visible time (ms since epoch)
const latencies = [];
let listings = 0;
async function readObject(key, visibleAt) {
  const text = (await peer.get(key)).toString();
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
    if (workload.done && latencies.length >= workload.inserted) break;
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

const seconds = await runWithObserver(workload, peer.waitS, poll);
// Goal: p99 commit-to-visible under 1 s, with every inserted row seen.
console.log(JSON.stringify(summary(latencies, workload, seconds, 1000,
  { objects: seen.size, listings })));
