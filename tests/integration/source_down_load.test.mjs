// The source unreachable for minutes in the middle of a full load: a TCP proxy in front of the
// rig's MariaDB (tests/lib/tcp_partition_proxy.mjs) lets nothing through, and closes nothing,
// for two and a half minutes, while binlake loads a table in parallel chunks and streams the
// binlog.
// The load's own retries run out first, then the run restarts itself from the lake's
// checkpoint (config recovery) until the source answers again; the load then resumes after
// the chunks it had finished. LOAD files plus the change log must rebuild SELECT exactly,
// with no row twice.

import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { rigEnv, sql } from '../lib/rig.mjs';
import { startPartitionProxy } from '../lib/tcp_partition_proxy.mjs';
import {
  lakeObjects, localLake, readCsvChanges, replayChangeLog, sourceLines, startBinlake, tableFiles,
  tempDir, waitForLakeText, writeConfig,
} from './run_support.mjs';

const DB = `source_down_${process.pid}`;
const work = tempDir('source-down');
const COLUMNS = ['id', 'n', 's'];
const ROWS = 200000;
// Longer than a load's read timeout (60 s) plus its own retries on new connections (about a
// minute with source.connect_timeout 2s), so that the run has to restart itself. A shorter
// SOURCE_DOWN_MS (for a quick look) is outlived by those retries alone.
const DOWN_MS = Number(process.env.SOURCE_DOWN_MS ?? 150000);

let proxy;
after(async () => {
  await proxy?.close();
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
});

function loadFiles(dir) {
  try {
    return readdirSync(join(dir, DB, 'a')).filter((f) => f.startsWith('LOAD'));
  } catch {
    return [];  // the table's folder does not exist yet
  }
}

test(`the source unreachable for ${DOWN_MS / 1000} s during a full load`, async (t) => {
  const env = rigEnv('mariadb');
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
             CREATE TABLE ${DB}.a (id INT PRIMARY KEY, n INT, s VARCHAR(200));
             INSERT INTO ${DB}.a SELECT seq, seq % 97, REPEAT(CHAR(97 + seq % 26), 100)
               FROM ${DB}.seq_1_to_${ROWS}`);
  proxy = await startPartitionProxy(env.MARIADB_HOST, Number(env.MARIADB_PORT));
  const lake = await localLake(join(work, 'lake'));
  const config = writeConfig(join(work, 'config'), DB, {
    lake,
    source: {
      port: proxy.port, heartbeat_interval: '1s', connect_timeout: '2s',
      reconnect_interval: '200ms', reconnect_max_interval: '2s',
    },
    output: {
      format: 'csv', include_op_for_full_load: true, timestamp_column_name: 'ts',
      sequence_column_name: 'seq', cdc_max_batch_interval: '1s',
    },
    extra: {
      full_load: { threads: 2, chunk_rows: 2000 },
      recovery: { attempts: 30, interval: '2s', max_interval: '10s' },
    },
  });
  const run = startBinlake(config, { timeoutMs: DOWN_MS + 240000 });
  while (loadFiles(lake.dir).length === 0) await sleep(20);
  proxy.partition();
  const loadedBefore = loadFiles(lake.dir).length;
  // Changes the source takes while binlake cannot reach it, some to rows not loaded yet.
  await sql(`UPDATE ${DB}.a SET n = -1 WHERE id % 1000 = 7;
             DELETE FROM ${DB}.a WHERE id % 1000 = 8;
             INSERT INTO ${DB}.a VALUES (${ROWS + 1}, 0, 'during the outage')`);
  await sleep(DOWN_MS);
  proxy.heal();
  await run.waitForLog(/full load of \S+ finished/);
  await sql(`INSERT INTO ${DB}.a VALUES (${ROWS + 2}, 0, 'after the outage')`);
  await waitForLakeText(lake.dir, DB, 'after the outage', 240000);
  run.child.kill('SIGTERM');
  const e = await run.exited;
  assert.equal(e.code, 0, run.stderr());
  const log = run.stderr();
  const loaded = loadFiles(lake.dir).length;
  const restarts = (log.match(/Starting again from the lake's checkpoint/g) ?? []).length;
  t.diagnostic(`${loadedBefore} of ${loaded} LOAD files written before the outage; ` +
      `${restarts} restarts of the run`);
  assert.ok(loadedBefore < loaded, 'the outage began in the middle of the load');
  if (DOWN_MS >= 150000) {
    assert.ok(restarts >= 1, `the run restarted itself:\n${log.slice(-4000)}`);
    assert.match(log, /resuming the full load after [\d,]+ rows/);
  }
  const objects = await lakeObjects(lake);
  // No chunk was loaded twice: every key is in one LOAD row.
  const loads = tableFiles(objects, DB, 'a').filter((k) => /\/LOAD[0-9A-F]{8}\.csv$/.test(k));
  const keys = (await readCsvChanges(objects, loads, ['Op', 'ts', 'seq', ...COLUMNS]))
      .map((r) => r.id);
  assert.equal(new Set(keys).size, keys.length, 'every key in one LOAD row');
  // Each chunk is its own snapshot at its own position, so a change the binlog has before a
  // chunk's snapshot precedes that chunk's LOAD row: not strict, the last change of a key wins.
  assert.deepEqual(await replayChangeLog(objects, DB, 'a', COLUMNS),
      await sourceLines(DB, 'a', COLUMNS), 'LOAD files + change log vs source');
  rmSync(work, { recursive: true, force: true });
});
