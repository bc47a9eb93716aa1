// Capture from a private rig MariaDB (tests/rig/mariadb.sh in a temporary directory), for what
// must not disturb the shared server: binlog_row_metadata=MINIMAL (names, keys and ENUM
// members from information_schema), and a server restart while `binlake run` streams.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { binlake, rigScript, sql } from '../lib/rig.mjs';
import {
  binlakeEnv, lakeObjects, localLake, readJsonChanges, runBinlake,
  startBinlake, tableFiles, tempDir, writeConfig,
} from './run_support.mjs';

const DB = 'capture_private';
const work = tempDir('capture-private');
const serverDir = join(work, 'mariadb');
let env;
const q = (text) => sql(text, { env });

before(async () => {
  env = await rigScript('mariadb', 'start', serverDir);
  await q(`CREATE DATABASE ${DB}`);
});

after(async () => {
  if (env) await rigScript('mariadb', 'stop', serverDir);
  rmSync(work, { recursive: true, force: true });
});

async function binlogEnd() {
  const [[file, pos]] = await q('SHOW MASTER STATUS');
  return { file, pos: Number(pos) };
}

test('binlog_row_metadata=MINIMAL: columns, key and ENUM members come from information_schema',
    async () => {
      await q(`CREATE TABLE ${DB}.m (
          a INT UNSIGNED NOT NULL, b VARCHAR(20) CHARSET latin1, id INT NOT NULL,
          e ENUM('red','gr''een','blue'), s SET('x','y'), bin VARBINARY(4), t TEXT,
          PRIMARY KEY (id, a)) CHARSET utf8mb4`);
      await q("SET GLOBAL binlog_row_metadata = 'MINIMAL'");
      try {
        const start = await binlogEnd();
        await q(`INSERT INTO ${DB}.m VALUES
            (4294967295, 'caf\u00e9', 1, 'gr''een', 'x,y', X'00ff', '\u{1F600}'),
            (0, NULL, 2, NULL, '', NULL, NULL);
          UPDATE ${DB}.m SET e = 'blue', b = 'z' WHERE id = 2;`);
        const lake = await localLake(join(work, 'minimal-lake'));
        const config = writeConfig(join(work, 'minimal'), DB, {
          lake, env, start, output: { format: 'jsonl' },
        });
        const r = await runBinlake(config, { check: true, serverEnv: env });
        // One warning from the source check, one from the resolver's first use.
        assert.equal(r.stderr.match(/binlog_row_metadata is MINIMAL/g)?.length, 1, r.stderr);
        assert.equal(r.stderr.match(/carry no column names \(binlog_row_metadata=MINIMAL\)/g)
            ?.length, 1, r.stderr);
        assert.match(r.stderr, /set binlog_row_metadata=FULL/i);
        const objects = await lakeObjects(lake);
        const cols = ['a', 'b', 'id', 'e', 's', 'bin', 't'];
        const rows = await readJsonChanges(objects, tableFiles(objects, DB, 'm'), cols);
        const text = (x) => cols.map((c) => x.data[c].text);
        assert.deepEqual(rows.map((x) => [x.op, ...text(x)]), [
          ['I', '4294967295', 'caf\u00e9', '1', "gr'een", 'x,y', '00FF', '\u{1F600}'],
          ['I', '0', null, '2', null, '', null, null],
          ['U', '0', 'z', '2', 'blue', '', null, null],
        ]);

        // The live dump resolves the same way, and shows the key from information_schema.
        const d = await binlake(['binlog', 'dump', '-c', config, '--from',
          `${start.file}:${start.pos}`, '--stop-at-end'], { env: binlakeEnv(env) });
        assert.equal(d.code, 0, d.stderr);
        const maps = d.stdout.split('\n').filter((l) => l.includes('"type":"TABLE_MAP"'))
            .map((l) => JSON.parse(l));
        assert.equal(maps.length, 2);
        for (const m of maps) {
          assert.deepEqual(m.columns.map((c) => c.name), cols);
          assert.deepEqual(m.key, ['id', 'a']);
          assert.equal(m.columns[0].unsigned, true);
          assert.equal(m.names, undefined);
        }
      } finally {
        await q("SET GLOBAL binlog_row_metadata = 'FULL'");
      }
    });

// metadata: the server's binlog_row_metadata during the run. With MINIMAL the names come from
// information_schema, whose connection the restart breaks too.
async function restartWhileStreaming(metadata) {
  const table = `r_${metadata.toLowerCase()}`;
  await q(`CREATE TABLE ${DB}.${table} (id INT PRIMARY KEY, v VARCHAR(40))`);
  const setMetadata = () => q(`SET GLOBAL binlog_row_metadata = '${metadata}'`);
  await setMetadata();
  const lake = await localLake(join(work, `${table}-lake`));
  const config = writeConfig(join(work, table), DB, {
    lake, env, start: await binlogEnd(), source: { heartbeat_interval: '1s' },
    output: { format: 'jsonl' },
  });
  const run = startBinlake(config, { serverEnv: env });
  await run.waitForLog(/streaming the binlog of/);

  // The workload: one transaction per statement, run in order, so binlog order is this order.
  const expected = [];
  const alive = new Map();
  let step = 0;
  async function write(n) {
    for (let k = 0; k < n; ++k, ++step) {
      const id = step + 1;
      await q(`INSERT INTO ${DB}.${table} VALUES (${id}, 'i${id}')`);
      expected.push(['I', String(id), `i${id}`]);
      alive.set(id, `i${id}`);
      if (step % 3 === 2) {
        const u = id - 1;
        await q(`UPDATE ${DB}.${table} SET v = 'u${u}-${step}' WHERE id = ${u}`);
        expected.push(['U', String(u), `u${u}-${step}`]);
        alive.set(u, `u${u}-${step}`);
      }
      if (step % 5 === 4) {
        const d = id - 2;
        await q(`DELETE FROM ${DB}.${table} WHERE id = ${d}`);
        expected.push(['D', String(d), alive.get(d)]);
        alive.delete(d);
      }
    }
  }
  try {
    await write(40);
    // A multi-row transaction, so the stream may well be inside it when the server goes away.
    const bulk = Array.from({ length: 200 }, (_, i) => 1000 + i);
    await q(`INSERT INTO ${DB}.${table} VALUES
             ${bulk.map((id) => `(${id}, 'bulk${id}')`).join(',')}`);
    for (const id of bulk) expected.push(['I', String(id), `bulk${id}`]);
    env = await rigScript('mariadb', 'restart', serverDir);
    // SET GLOBAL does not outlive the restart.
    await setMetadata();
    await write(40);
    await run.waitForLog(/reconnecting at/);
  } finally {
    await q("SET GLOBAL binlog_row_metadata = 'FULL'");
  }

  run.child.kill('SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 0, `${exit.signal ?? ''}\n${run.stderr()}`);
  assert.match(run.stderr(), /reconnecting at mariadb-bin\.\d+:\d+/);
  await runBinlake(config, { check: true, serverEnv: env });

  const objects = await lakeObjects(lake);
  const rows = await readJsonChanges(objects, tableFiles(objects, DB, table), ['id', 'v']);
  assert.deepEqual(rows.map((x) => [x.op, x.data.id.text, x.data.v.text]), expected);
}

test('a server restart while binlake run streams: every change exactly once', async () => {
  await restartWhileStreaming('FULL');
});

test('the same with binlog_row_metadata=MINIMAL: names still from information_schema',
    async () => {
      await restartWhileStreaming('MINIMAL');
    });

test('start.gtid with interleaved MariaDB domains: exact when a position fits, else refused',
    async () => {
      await q(`CREATE TABLE ${DB}.dom (id INT PRIMARY KEY, domain INT)`);
      // Binlog order: A(0) B(1) C(0) D(1), each its own transaction and GTID.
      const ins = (id, domain) =>
        `SET SESSION gtid_domain_id = ${domain}; INSERT INTO ${DB}.dom VALUES (${id}, ${domain});`;
      await q(ins(1, 0));
      await q(ins(2, 1));
      const [[afterB]] = await q('SELECT @@gtid_binlog_pos');
      await q(ins(3, 0));
      const [[afterC]] = await q('SELECT @@gtid_binlog_pos');
      await q(ins(4, 1));
      const domainSeq = (set, d) => Number(set.split(',').find((g) => g.startsWith(`${d}-`))
          .split('-')[2]);

      // After C: the position between C and D is exactly after the set.
      const lake = await localLake(join(work, 'domains-lake'));
      const config = writeConfig(join(work, 'domains'), DB, {
        lake, env, start: { gtid: afterC }, output: { format: 'jsonl' },
      });
      await runBinlake(config, { check: true, serverEnv: env });
      const objects = await lakeObjects(lake);
      const rows = await readJsonChanges(objects, tableFiles(objects, DB, 'dom'), ['id']);
      assert.deepEqual(rows.map((x) => x.data.id.text), ['4']);
      assert.equal(rows[0].gtid, `1-1-${domainSeq(afterB, 1) + 1}`);

      // Domain 0 after A but domain 1 after D: no position skips D yet keeps C.
      const gap = `0-1-${domainSeq(afterC, 0) - 1},1-1-${domainSeq(afterB, 1) + 1}`;
      const refused = writeConfig(join(work, 'domains-gap'), DB, {
        lake: await localLake(join(work, 'domains-gap-lake')), env, start: { gtid: gap },
      });
      const r = await runBinlake(refused, { serverEnv: env });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr,
          new RegExp(`no binlog position of .* starts exactly after GTID set '${gap}'`));
    });
