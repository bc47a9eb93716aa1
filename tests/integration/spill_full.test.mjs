// A full spill disk: spill.dir on a 4 MiB tmpfs, and a transaction too large to hold in
// memory or there. binlake must stop with an error naming the directory and the fix, leave
// nothing half-written in the lake, and resume exactly once the disk has room.
// Mounting a tmpfs needs root (CAP_SYS_ADMIN); without it the test is skipped, saying so.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { sql } from '../lib/rig.mjs';
import {
  lakeObjects, localLake, replayChangeLog, runBinlake, sourceLines, tempDir, writeConfig,
} from './run_support.mjs';

const DB = `spill_full_${process.pid}`;
const work = tempDir('spill-full');
const spillDir = join(work, 'spill-tmpfs');
const COLUMNS = ['id', 'pad'];

function mountTmpfs(size) {
  try {
    mkdirSync(spillDir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', spillDir],
        { stdio: 'pipe' });
    return null;
  } catch (e) {
    return String(e.stderr ?? e.message).trim();
  }
}

let mounted = false;
after(async () => {
  if (mounted) execFileSync('umount', ['-l', spillDir]);
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
});

const replay = async (lake) => replayChangeLog(await lakeObjects(lake), DB, 'a', COLUMNS);

test('a full spill directory stops the run with the fix; the next run resumes', async (t) => {
  const why = mountTmpfs('4m');
  if (why !== null) {
    t.skip(`cannot mount a tmpfs for spill.dir (needs root): ${why}`);
    return;
  }
  mounted = true;
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
             CREATE TABLE ${DB}.a (id INT PRIMARY KEY, pad VARCHAR(250))`);
  await sql(`INSERT INTO a SELECT seq, REPEAT('l', 100) FROM seq_1_to_1000`, { database: DB });
  const lake = await localLake(join(work, 'lake'));
  const config = writeConfig(join(work, 'config'), DB, {
    lake,
    output: {
      format: 'csv', include_op_for_full_load: true, timestamp_column_name: 'ts',
      sequence_column_name: 'seq',
    },
    extra: {
      full_load: true,
      spill: { dir: spillDir, transaction_memory_limit: '256KiB' },
      recovery: { attempts: 1, interval: '100ms', max_interval: '100ms' },
    },
  });
  await runBinlake(config, { check: true });
  const before = await sourceLines(DB, 'a', COLUMNS);
  assert.deepEqual(await replay(lake), before, 'after the full load');

  // About 25 MB of after-images in one transaction: more than memory and the disk hold.
  await sql(`INSERT INTO a SELECT 1000 + seq, REPEAT('x', 250) FROM seq_1_to_100000`,
      { database: DB });
  const full = await runBinlake(config);
  t.diagnostic(`with the spill disk full: ${full.stderr.trim().split('\n').at(-1)}`);
  assert.equal(full.code, 1, full.stderr);
  assert.match(full.stderr, new RegExp(`binlake: .*${spillDir.replaceAll('/', '\\/')}.*No space left on device.*spill\\.dir`),
      'the error names the directory, the cause and the setting');
  // Nothing of the transaction is in the lake: the change log still gives the rows before it.
  assert.deepEqual(await replay(lake), before, 'after the failed run');

  execFileSync('mount', ['-o', 'remount,size=256m', spillDir]);
  await runBinlake(config, { check: true });
  assert.deepEqual(await replay(lake), await sourceLines(DB, 'a', COLUMNS),
      'after the disk had room');
  rmSync(join(work, 'lake'), { recursive: true, force: true });
});
