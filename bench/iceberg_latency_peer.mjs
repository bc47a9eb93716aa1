// Workload and observer for bench/iceberg_latency.sh, in one process:
//  - inserts rows into bench.lat at a steady RATE (rows/s) for SECONDS, noting when each
//    INSERT returned (latency_peer_lib.mjs);
//  - lists s3://BUCKET/PREFIX/iceberg/bench/lat/metadata/ every ~50 ms; a new
//    v<N>.metadata.json makes the ids up to its snapshot's largest id visible (the upper
//    bound of field 1 in the data files its manifests list, read with avsc); each row's
//    latency is that moment minus its INSERT's return.
// Stops once every inserted row was seen (or WAIT_S seconds after the workload ends).
// Usage: node bench/iceberg_latency_peer.mjs BUCKET PREFIX RATE SECONDS WAIT_S READY_FILE
//   Prints one JSON object on its last line.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';

import { readAvro } from '../tests/lib/iceberg_avro.mjs';
import { InsertWorkload, runWithObserver, startPeer, summary } from './latency_peer_lib.mjs';

const peer = await startPeer('iceberg_latency', process.argv.slice(2));
const { s3, bucket, prefix, get } = peer;
const workload = new InsertWorkload(peer.db, peer.rate, peer.seconds);
const keyOf = (uri) => uri.slice(`s3://${bucket}/`.length);

// The largest id the snapshot holds: the upper bound of field 1 over its data files.
async function snapshotMaxId(metadataKey) {
  const md = JSON.parse((await get(metadataKey)).toString());
  const snap = md.snapshots.find((x) => x['snapshot-id'] === md['current-snapshot-id']);
  if (!snap) return 0;
  let max = 0;
  for (const m of (await readAvro(await get(keyOf(snap['manifest-list'])))).records) {
    if (Number(m.content) !== 0) continue;
    for (const e of (await readAvro(await get(keyOf(m.manifest_path)))).records) {
      const ub = (e.data_file.upper_bounds ?? []).find((kv) => Number(kv.key) === 1);
      if (Number(e.status) !== 2 && ub) max = Math.max(max, Number(ub.value.readBigInt64LE(0)));
    }
  }
  return max;
}

const latencies = [];
let listings = 0;
let snapshots = 0;
let visibleMax = 0;
const seenVersions = new Set();
async function poll(deadline) {
  const dir = `${prefix}/iceberg/bench/lat/metadata/`;
  while (Date.now() < deadline()) {
    if (workload.done && latencies.length >= workload.inserted) break;
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
        if (workload.insertedAt.has(id)) latencies.push(now - workload.insertedAt.get(id));
      }
      visibleMax = Math.max(visibleMax, max);
    }
    await sleep(Math.max(0, 50 - (Date.now() - started)));
  }
}

const seconds = await runWithObserver(workload, peer.waitS, poll);
// Goal: p99 commit-to-visible under 3 s, with every inserted row seen.
console.log(JSON.stringify(summary(latencies, workload, seconds, 3000, { snapshots, listings })));
