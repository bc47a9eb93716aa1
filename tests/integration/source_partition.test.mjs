// A network partition between binlake and its source: the binlog connection hangs without
// closing (tests/lib/tcp_partition_proxy.mjs in front of the rig's MariaDB drops every byte,
// and leaves new connections silent too). binlake must notice the heartbeats' silence, give
// up the dead connection, keep retrying while the partition lasts, and stream on by itself
// once it heals: the changes made meanwhile reach the lake, once each.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { rigEnv, sql } from '../lib/rig.mjs';
import { startPartitionProxy } from '../lib/tcp_partition_proxy.mjs';
import {
  lakeObjects, localLake, prng, replayChangeLog, sourceLines, startBinlake, tempDir, waitForLakeText,
  writeConfig,
} from './run_support.mjs';

const DB = `source_partition_${process.pid}`;
const work = tempDir('source-partition');
const SEED = Number(process.env.PARTITION_SEED ?? Date.now() % 1000000);
const COLUMNS = ['id', 'n', 's'];

function roundSql(round, rand) {
  const stmts = [];
  for (let i = 0; i < 30; ++i) {
    const id = 1 + Math.floor(rand() * 100);
    stmts.push(rand() < 0.7
      ? `INSERT INTO ${DB}.a VALUES (${id}, ${round}, 'r${round}')
         ON DUPLICATE KEY UPDATE n = n + 1, s = CONCAT(LEFT(s, 40), '${round}')`
      : `DELETE FROM ${DB}.a WHERE id = ${id}`);
  }
  return `${stmts.join(';\n')};`;
}

let proxy;
after(async () => {
  await proxy?.close();
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
});

test(`a silent partition of the binlog connection is detected and outlived (seed ${SEED})`,
    async (t) => {
      const env = rigEnv('mariadb');
      await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
                 CREATE TABLE ${DB}.a (id INT PRIMARY KEY, n BIGINT, s VARCHAR(200))`);
      const rand = prng(SEED);
      await sql(roundSql(0, rand));
      proxy = await startPartitionProxy(env.MARIADB_HOST, Number(env.MARIADB_PORT));
      const lake = await localLake(join(work, 'lake'));
      const config = writeConfig(join(work, 'config'), DB, {
        lake,
        source: {
          port: proxy.port, heartbeat_interval: '1s', connect_timeout: '2s',
          reconnect_interval: '200ms', reconnect_max_interval: '1s',
        },
        output: {
          format: 'csv', include_op_for_full_load: true, timestamp_column_name: 'ts',
          sequence_column_name: 'seq', cdc_max_batch_interval: '1s',
        },
        extra: { full_load: true },
      });
      const run = startBinlake(config, { timeoutMs: 300000 });
      await run.waitForLog(/streaming the binlog of/);
      await sql(roundSql(1, rand));
      await sleep(500);

      proxy.partition();
      const partitionedAt = Date.now();
      await sql(roundSql(2, rand));
      // Silence for twice the heartbeat period plus 5 s gives the connection up.
      await run.waitForLog(/reconnecting at mariadb-bin\.\d+:\d+/);
      const detectedMs = Date.now() - partitionedAt;
      // A few reconnect attempts into the partition, which accepts and then stays silent.
      const connections = proxy.stats.connections;
      while (proxy.stats.connections < connections + 2) await sleep(100);
      await sql(roundSql(3, rand));
      proxy.heal();

      await sql(`INSERT INTO ${DB}.a VALUES (1000, 0, 'after the partition')`);
      await waitForLakeText(lake.dir, DB, 'after the partition');
      const streams = run.stderr().match(/streaming the binlog of/g).length;
      t.diagnostic(`silence detected after ${detectedMs} ms; ${streams} binlog connections; ` +
          `${proxy.stats.connections} TCP connections through the proxy`);
      assert.ok(streams >= 2, `binlake should have streamed again:\n${run.stderr()}`);
      run.child.kill('SIGTERM');
      const e = await run.exited;
      assert.equal(e.code, 0, run.stderr());

      assert.deepEqual(
          await replayChangeLog(await lakeObjects(lake), DB, 'a', COLUMNS, { strict: true }),
          await sourceLines(DB, 'a', COLUMNS), 'replayed change log vs source');
      rmSync(work, { recursive: true, force: true });
    });
