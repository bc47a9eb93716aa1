// One writer per lake (docs/operations.md): a second `binlake run` on a lake another binlake
// writes stops at once, naming the holder, and never displaces the first one's binlog stream
// (the server drops a replica whose id another registers). After a kill -9 on the same machine
// a restart takes over at once; a holder elsewhere that stops renewing is taken over once its
// lease_ttl runs out.

import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { sql } from '../lib/rig.mjs';
import { localLake, runBinlake, startBinlake, tempDir, writeConfig } from './run_support.mjs';

const DB = `lease_${process.pid}`;
const work = tempDir('lease');
after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  rmSync(work, { recursive: true, force: true });
});

test('a second writer stops; a crashed or silent holder is taken over', async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.t (id INT PRIMARY KEY); INSERT INTO ${DB}.t VALUES (1);`);
  const lake = await localLake(join(work, 'lake'));
  const config = writeConfig(work, DB, { lake, extra: { full_load: true, lease_ttl: '3s' } });
  const first = startBinlake(config);
  try {
    await first.waitForLog(/streaming the binlog/);
    const second = await runBinlake(config);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr,
      new RegExp(`binlake on \\S+ \\(pid ${first.child.pid}\\) holds its writer lease .* and renews it`));
    assert.doesNotMatch(second.stderr, /streaming the binlog/);
    // The first one kept its stream and goes on.
    await sql(`INSERT INTO ${DB}.t VALUES (2)`);
    assert.equal(first.child.exitCode, null);
    assert.doesNotMatch(first.stderr(), /same server_uuid\/server_id|4052|error/i);
  } finally {
    first.child.kill('SIGKILL');
    await first.exited;
  }
  // kill -9 on this machine: the restart sees the holder's process is gone.
  const restarted = await runBinlake(config, { check: true });
  assert.match(restarted.stderr, new RegExp(`pid ${first.child.pid}\\) is no longer running`));

  // A holder on another machine that stopped renewing: taken over once its ttl runs out.
  const leases = readdirSync(join(lake.dir, '_binlake', 'lease')).sort();
  const next = Number(leases.at(-1).slice(0, 20)) + 1;
  writeFileSync(join(lake.dir, '_binlake', 'lease', `${String(next).padStart(20, '0')}.json`),
    JSON.stringify({ format: 1, generation: next, owner: 'binlake on elsewhere (pid 7)',
      host: 'elsewhere', pid: 7, renewed_ms: Date.now(), ttl_ms: 3000, released: false }));
  const after3s = await runBinlake(config, { check: true });
  assert.match(after3s.stderr, /waiting up to \d+\.\d s for it to run out/);
  assert.match(after3s.stderr, /taking over the writer lease .*: binlake on elsewhere \(pid 7\) did not renew it/);
});
