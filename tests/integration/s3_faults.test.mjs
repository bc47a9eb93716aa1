// The object store failing under binlake: a fault-injecting proxy (tests/lib/s3_fault_proxy.mjs)
// in front of the rig's real RGW answers 503 SlowDown and 500, carries a request out and then
// answers 500, resets connections and leaves requests unanswered past the request timeout,
// during multipart uploads, conditional creates, checkpoint writes and every other call. Then
// the store goes away for longer than a request's retries (the run restarts itself from the
// checkpoint), and for good (the run stops; the next resumes). After each run the change log,
// replayed, and the Iceberg tables equal the source, with no change twice.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { rigEnv, sql } from '../lib/rig.mjs';
import { MODES, startFaultProxy } from '../lib/s3_fault_proxy.mjs';
import { mergeOnRead, mirrorLake } from './iceberg_support.mjs';
import {
  lakeObjects, prng, replayChangeLog, runBinlake, s3Lake, sourceLines, tempDir, writeConfig,
} from './run_support.mjs';

const DB = `s3_faults_${process.pid}`;
const work = tempDir('s3-faults');
const SEED = Number(process.env.S3_FAULTS_SEED ?? Date.now() % 1000000);

const TABLES = {
  // Large enough that its LOAD file and one CDC file go up as multipart uploads (5 MiB parts).
  big: { create: 'id INT PRIMARY KEY, pad VARCHAR(200)', columns: ['id', 'pad'] },
  a: { create: 'id INT PRIMARY KEY, n BIGINT, s VARCHAR(100)', columns: ['id', 'n', 's'] },
};

function roundSql(round, rand) {
  const pick = (n) => Math.floor(rand() * n);
  const stmts = [];
  for (let i = 0; i < 40; ++i) {
    const id = 1 + pick(200);
    switch (pick(4)) {
      case 0:
      case 1:
        stmts.push(`INSERT INTO ${DB}.a VALUES (${id}, ${pick(1e6)}, 'r${round}')
                    ON DUPLICATE KEY UPDATE n = n + 1, s = CONCAT(LEFT(s, 60), 'u')`);
        break;
      case 2:
        stmts.push(`UPDATE ${DB}.a SET n = -n WHERE id = ${id}`);
        break;
      default:
        stmts.push(`DELETE FROM ${DB}.a WHERE id = ${id}`);
    }
  }
  if (round === 1) {
    // About 7 MB of after-images in one transaction: a multipart CDC file.
    stmts.push(`UPDATE ${DB}.big SET pad = CONCAT('round ${round} ', LEFT(pad, 150))`);
  }
  return `${stmts.join(';\n')};`;
}

async function assertIcebergMatches(mirror, table, label) {
  const { columns } = TABLES[table];
  const mor = await mergeOnRead(join(mirror, 'iceberg', DB, table));
  const text = (list) => list.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join('|'))
    .sort();
  const source = await sql(`SELECT ${columns.join(', ')} FROM ${DB}.${table}`);
  assert.deepEqual(text(mor.rows.map((r) => columns.map((c) => r[c]))), text(source),
      `${label}: Iceberg ${table} vs source`);
}

async function assertLakeMatches(lake, label) {
  const objects = await lakeObjects(lake);
  const mirror = await mirrorLake(lake, join(work, 'mirror'));
  for (const [table, { columns }] of Object.entries(TABLES)) {
    assert.deepEqual(await replayChangeLog(objects, DB, table, columns, { strict: true }),
        await sourceLines(DB, table, columns), `${label}: ${table}: replayed change log vs source`);
    await assertIcebergMatches(mirror, table, label);
  }
}

let proxy;
after(async () => {
  await proxy?.close();
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
});

test(`S3 faults during full load, multipart uploads, creates and checkpoints (seed ${SEED})`,
    async (t) => {
      const creates = Object.entries(TABLES)
        .map(([name, { create }]) => `CREATE TABLE ${DB}.${name} (${create})`).join('; ');
      await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; ${creates}`);
      await sql(`INSERT INTO big SELECT seq, CONCAT(seq, ' ', REPEAT('p', 150)) FROM seq_1_to_40000`,
          { database: DB });
      const rand = prng(SEED);
      await sql(roundSql(100, rand), { database: DB });

      proxy = await startFaultProxy(rigEnv('rgw').S3_ENDPOINT, {
        seed: SEED, rate: 0.05, forceFirst: MODES.length, modes: MODES,
        randomModes: MODES.filter((m) => m !== 'hang'),
      });
      const lake = await s3Lake('binlake-faults', `run-${process.pid}`);
      const config = writeConfig(join(work, 'config'), DB, {
        lake: {
          ...lake,
          s3: {
            ...lake.s3, endpoint: proxy.endpoint, multipart_part_size: '5MiB',
            max_attempts: 8, retry_interval: '20ms', retry_max_interval: '200ms',
            request_timeout: '1s', connect_timeout: '1s',
          },
        },
        output: {
          format: 'csv', include_op_for_full_load: true, timestamp_column_name: 'ts',
          sequence_column_name: 'seq', cdc_max_batch_interval: '1h',
        },
        extra: {
          full_load: true,
          iceberg: { enabled: true, commit_interval: '200ms' },
          recovery: { attempts: 3, interval: '300ms', max_interval: '1s' },
        },
      });

      // Faults the retries absorb: every run completes.
      const t0 = Date.now();
      await runBinlake(config, { check: true, timeoutMs: 600000 });
      t.diagnostic(`full load: ${Date.now() - t0} ms`);
      await assertLakeMatches(lake, 'after the full load');
      for (let round = 0; round < 3; ++round) {
        await sql(roundSql(round, rand), { database: DB });
        const t1 = Date.now();
        await runBinlake(config, { check: true, timeoutMs: 600000 });
        t.diagnostic(`round ${round}: ${Date.now() - t1} ms`);
        await assertLakeMatches(lake, `round ${round}`);
      }
      const { faults, requests } = proxy.stats;
      t.diagnostic(`requests ${JSON.stringify(requests)}`);
      t.diagnostic(`faults ${JSON.stringify(faults)}`);
      for (const kind of ['part', 'complete', 'initiate', 'create', 'checkpoint', 'put', 'get']) {
        assert.ok(faults[kind]?.after500 >= 1,
            `a ${kind} request should have met a fault: ${JSON.stringify(faults)}`);
      }
      for (const mode of MODES) {
        assert.ok(Object.values(faults).some((f) => f[mode] >= 1), `no ${mode} fault was injected`);
      }

      // The store away for 1.5 s from the first checkpoint write of a run on: longer than the
      // request's own retries (at most 0.9 s of waits here), shorter than the restarts'
      // (0.3 + 0.6 + 1 s). The run starts again from the checkpoint and completes.
      await sql(roundSql(3, rand), { database: DB });
      proxy.set({
        rate: 0,
        onRequest: (kind) => {
          if (kind !== 'checkpoint') return;
          proxy.set({ down: true, onRequest: null });
          setTimeout(() => proxy.set({ down: false }), 1500);
        },
      });
      const restarted = await runBinlake(config, { check: true, timeoutMs: 600000 });
      assert.match(restarted.stderr,
          /the run stopped on an error worth retrying: Unavailable: .*S3 endpoint.*Starting again from the lake's checkpoint in 0\.3 s \(restart 1 of 3/);
      await assertLakeMatches(lake, 'after a short outage');

      // The store away for good from the first part of a multipart upload on: after its
      // restarts the run stops with an error naming the store, and the next run, with the
      // store back, resumes from the checkpoint.
      await sql(roundSql(1, rand), { database: DB });  // another multipart CDC file
      proxy.set({
        onRequest: (kind) => {
          if (kind === 'part') proxy.set({ down: true, onRequest: null });
        },
      });
      const failed = await runBinlake(config, { timeoutMs: 600000 });
      assert.ok(proxy.stats.requests.part > 0 && failed.code !== 0,
          `binlake must stop while the store is down:\n${failed.stderr}`);
      assert.match(failed.stderr, /restart 3 of 3/);
      assert.match(failed.stderr,
          /binlake: Unavailable: .*(cannot reach|no answer from) S3 endpoint http:\/\/127\.0\.0\.1:\d+ after 8 attempts.*Nothing is lost: the lake is at its last checkpoint/,
          'the error names the store, the attempts and what happens next');
      t.diagnostic(`while the store was down: ${failed.stderr.trim().split('\n').at(-1)}`);
      proxy.set({ down: false });
      await runBinlake(config, { check: true, timeoutMs: 600000 });
      await assertLakeMatches(lake, 'after a long outage');
      rmSync(work, { recursive: true, force: true });
    });
