// SIGTERM while a batch is open: binlake writes the batch's file, checkpoints right after
// the last transaction it read, and exits 0. Runs on a private MariaDB so that the binlog
// end is exactly the end of this test's transactions.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { rigScript, sql } from '../lib/rig.mjs';
import {
  lakeObjects, latestCheckpoint, localLake, readCsvChanges, record, startBinlake, tableFiles,
  tempDir, writeConfig,
} from './run_support.mjs';

const work = tempDir('run-sigterm');
const DB = 'run_sigterm';
let server;

before(async () => {
  server = await rigScript('mariadb', 'start', join(work, 'mariadb'));
  await sql(`CREATE DATABASE ${DB}; CREATE TABLE ${DB}.t (id INT PRIMARY KEY, note VARCHAR(20))`,
      { env: server });
});

after(async () => {
  if (server) await rigScript('mariadb', 'stop', join(work, 'mariadb'));
  rmSync(work, { recursive: true, force: true });
});

test('SIGTERM flushes the open batch, checkpoints after the last transaction and exits 0',
    async () => {
      const lake = await localLake(join(work, 'lake'));
      const config = writeConfig(join(work, 'config'), DB, {
        env: server, lake, extra: { log: { level: 'debug' } },
      });
      const run = startBinlake(config, { serverEnv: server });
      try {
        await run.waitForLog(/streaming the binlog of/);
        await sql(`INSERT INTO ${DB}.t VALUES (1, 'one'), (2, 'two');
                   UPDATE ${DB}.t SET note = 'uno' WHERE id = 1;
                   DELETE FROM ${DB}.t WHERE id = 2;
                   CREATE TABLE ${DB}.marker (a INT)`, { env: server });
        // The DDL is logged when binlake reads it, after every transaction before it: the
        // batch (1 h interval) is open and holds them.
        await run.waitForLog(new RegExp(`schema change in .*: CREATE TABLE ${DB}\\.marker`));
        const before = await lakeObjects(lake);
        assert.deepEqual(tableFiles(before, DB, 't'), [], 'no file before the signal');
        assert.equal(latestCheckpoint(before).seq, 0);
        run.child.kill('SIGTERM');
        const exit = await run.exited;
        assert.deepEqual(exit, { code: 0, signal: null }, run.stderr());
      } finally {
        run.child.kill('SIGKILL');
      }
      const [[file, pos]] = await sql('SHOW MASTER STATUS', { env: server });
      const objects = await lakeObjects(lake);
      const cp = latestCheckpoint(objects);
      assert.equal(cp.seq, 1);
      assert.deepEqual(cp.position, { file, offset: Number(pos) });
      const intent = record(objects, '_binlake/intents/00000000000000000001.json');
      assert.equal(intent.reason, 'shutdown');
      assert.deepEqual(intent.objects, tableFiles(objects, DB, 't'));
      const rows = await readCsvChanges(objects, intent.objects, ['Op', 'id', 'note']);
      assert.deepEqual(rows, [
        { Op: 'I', id: '1', note: 'one' },
        { Op: 'I', id: '2', note: 'two' },
        { Op: 'U', id: '1', note: 'uno' },
        { Op: 'D', id: '2', note: 'two' },
      ]);
    });
