// XA transactions: an XA PREPARE's rows reach the outputs only at its XA COMMIT, in a group
// of the binlog of its own, possibly after other transactions and after restarts. binlake
// parks the prepared rows in the lake (_binlake/xa/), so a kill -9 between the XA PREPARE
// and the XA COMMIT loses nothing, and an XA ROLLBACK leaves nothing. The change log and the
// Iceberg tables must equal the source, with no change twice and every row in the order the
// source committed it.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { sql } from '../lib/rig.mjs';
import { mergeOnRead } from './iceberg_support.mjs';
import {
  lakeObjects, localLake, readCsvChanges, replayChangeLog, sourceLines, startBinlake, tableFiles,
  tempDir, waitForLakeText, writeConfig,
} from './run_support.mjs';

const DB = `xa_${process.pid}`;
const work = tempDir('xa');
const COLUMNS = ['id', 'n', 's'];

after(async () => {
  // A failed test may leave transactions prepared: they would hold their locks.
  const prepared = await sql('XA RECOVER').catch(() => []);
  for (const row of prepared) {
    const [formatId, gtridLength, , data] = row;
    const g = Buffer.from(data).subarray(0, Number(gtridLength)).toString('hex');
    const b = Buffer.from(data).subarray(Number(gtridLength)).toString('hex');
    if (Buffer.from(data).toString().startsWith('xa_')) {
      await sql(`XA ROLLBACK X'${g}',X'${b}',${formatId}`).catch(() => {});
    }
  }
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
});

/** XA START .. XA PREPARE of `stmts` under xid (a quoted xid list, e.g. "'xa_1','b',7"). */
function prepare(xid, stmts) {
  return sql(`XA START ${xid}; ${stmts.join('; ')}; XA END ${xid}; XA PREPARE ${xid};`);
}

function lakeXaObjects(dir) {
  const root = join(dir, '_binlake', 'xa');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile()).map((e) => e.name);
}

test('prepared XA transactions reach both outputs at their XA COMMIT, across kill -9',
    async (t) => {
      await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
                 CREATE TABLE ${DB}.a (id INT PRIMARY KEY, n INT, s VARCHAR(60));
                 INSERT INTO ${DB}.a VALUES (100, 0, 'before')`);
      const lake = await localLake(join(work, 'lake'));
      const config = writeConfig(join(work, 'config'), DB, {
        lake,
        output: {
          format: 'csv', include_op_for_full_load: true, timestamp_column_name: 'ts',
          sequence_column_name: 'seq', cdc_max_batch_interval: '1s',
        },
        extra: { full_load: true, iceberg: { enabled: true, commit_interval: '200ms' } },
      });
      let run = startBinlake(config);
      await run.waitForLog(/streaming the binlog of/);

      // Two transactions prepared, then a plain one that commits first.
      await prepare("'xa_1'", [
        `INSERT INTO ${DB}.a VALUES (1, 1, 'xa_1 insert')`,
        `UPDATE ${DB}.a SET n = 2, s = 'xa_1 update' WHERE id = 1`,
        `UPDATE ${DB}.a SET s = 'xa_1 touched' WHERE id = 100`,
      ]);
      await prepare("'xa_2','branch',9", [`INSERT INTO ${DB}.a VALUES (2, 2, 'xa_2 rolled back')`]);
      await sql(`INSERT INTO ${DB}.a VALUES (3, 3, 'plain after the prepares')`);
      await waitForLakeText(lake.dir, DB, 'plain after the prepares');
      const early = await lakeObjects(lake);
      const earlyText = tableFiles(early, DB, 'a').map((k) => early.get(k).toString()).join('');
      assert.ok(!earlyText.includes('xa_'), `nothing of a prepared transaction yet:\n${earlyText}`);
      assert.equal(lakeXaObjects(lake.dir).length, 2, 'both prepared transactions parked');

      // kill -9 with both still prepared; they end while binlake is down.
      run.child.kill('SIGKILL');
      await run.exited;
      await sql("XA COMMIT 'xa_1'");
      await sql("XA ROLLBACK 'xa_2','branch',9");
      // The xid used again, and a one-phase commit.
      await prepare("'xa_1'", [`DELETE FROM ${DB}.a WHERE id = 3`]);
      await sql("XA COMMIT 'xa_1'");
      await sql(`XA START 'xa_4'; INSERT INTO ${DB}.a VALUES (4, 4, 'xa_4 one phase');
                 XA END 'xa_4'; XA COMMIT 'xa_4' ONE PHASE`);
      // One prepared before the restart and committed after it.
      await prepare("'xa_5'", [`UPDATE ${DB}.a SET n = 5, s = 'xa_5' WHERE id = 1`]);

      run = startBinlake(config);
      await run.waitForLog(/streaming the binlog of/);
      await sql("XA COMMIT 'xa_5'");
      await sql(`INSERT INTO ${DB}.a VALUES (6, 6, 'the end')`);
      await waitForLakeText(lake.dir, DB, 'the end');
      run.child.kill('SIGTERM');
      const e = await run.exited;
      assert.equal(e.code, 0, run.stderr());

      const objects = await lakeObjects(lake);
      const want = await sourceLines(DB, 'a', COLUMNS);
      assert.deepEqual(await replayChangeLog(objects, DB, 'a', COLUMNS, { strict: true }), want,
          'replayed change log vs source');
      // The rows of xa_1 come after the plain insert that committed before it.
      const rows = await readCsvChanges(objects, tableFiles(objects, DB, 'a'),
          ['Op', 'ts', 'seq', ...COLUMNS]);
      rows.sort((x, y) => (x.seq < y.seq ? -1 : x.seq > y.seq ? 1 : 0));
      const order = rows.map((r) => r.s);
      assert.ok(order.indexOf('plain after the prepares') < order.indexOf('xa_1 insert'),
          order.join(', '));
      assert.ok(!order.includes('xa_2 rolled back'), 'a rolled back transaction leaves nothing');

      const { rows: iceberg } = await mergeOnRead(join(lake.dir, 'iceberg', DB, 'a'));
      assert.deepEqual(iceberg.map((r) => COLUMNS.map((c) => String(r[c] ?? '')).join('|')).sort(),
          want, 'Iceberg table vs source');
      assert.deepEqual(lakeXaObjects(lake.dir), [], 'parked rows are dropped once committed');
      t.diagnostic(`${rows.length} changes replayed; source: ${want.join('; ')}`);
      rmSync(work, { recursive: true, force: true });
    });

test('a transaction prepared before the first start is warned of, its XA COMMIT refused',
    async () => {
      const db = `${DB}_early`;
      await sql(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db};
                 CREATE TABLE ${db}.a (id INT PRIMARY KEY)`);
      try {
        await prepare("'xa_early'", [`INSERT INTO ${db}.a VALUES (1)`]);
        const dir = tempDir('xa-early');
        const lake = await localLake(join(dir, 'lake'));
        const run = startBinlake(writeConfig(join(dir, 'config'), db, { lake }));
        await run.waitForLog(/streaming the binlog of/);
        // Warned of at the first start already, by name.
        assert.match(run.stderr(),
            /XA transactions are prepared on the source but not committed \([^)]*X'78615f6561726c79'/);
        await sql("XA COMMIT 'xa_early'");
        const e = await run.exited;
        assert.equal(e.code, 1, run.stderr());
        assert.match(run.stderr(),
            /XA COMMIT X'78615f6561726c79',X'',1 commits a transaction whose XA PREPARE binlake/);
        assert.match(run.stderr(), /Run the full load again/);
        rmSync(dir, { recursive: true, force: true });
      } finally {
        await sql(`DROP DATABASE IF EXISTS ${db}`);
      }
    });
