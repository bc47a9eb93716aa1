// The timestamp column of LOAD rows (docs/consuming.md): while a workload updates rows of a
// composite-key table, binlake loads it in small chunks beside CDC. MariaDB's binlog times are
// whole seconds, so a LOAD row stamped with its transfer time would sort after changes made
// later in the same second. For every key, each CDC change after its LOAD row (by the sequence
// column) must have a later timestamp than the LOAD row; the latest state by the sequence
// equals SELECT *, and so do the MERGE recipes of docs/consuming.md, run as written there.

import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

import { duckdb, sql } from '../lib/rig.mjs';
import { lakeObjects, localLake, prng, runBinlake, tableFiles, tempDir, writeConfig } from './run_support.mjs';

const DB = `load_row_time_${process.pid}`;
const DOC = join(dirname(fileURLToPath(import.meta.url)), '../../docs/consuming.md');

/** The SQL blocks of docs/consuming.md by their `-- recipe: name` line. */
function recipes() {
  const out = {};
  for (const m of readFileSync(DOC, 'utf8').matchAll(/```sql\n-- recipe: (\S+)\n([\s\S]*?)```/g)) {
    out[m[1]] = m[2];
  }
  return out;
}
const work = tempDir('load-row-time');
after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  rmSync(work, { recursive: true, force: true });
});

test('a LOAD row never sorts after a later change of its key by the timestamp column', async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; USE ${DB};
    CREATE TABLE items (a INT NOT NULL, b VARCHAR(8) NOT NULL, v INT, PRIMARY KEY (a, b));
    INSERT INTO items SELECT seq % 13, CONCAT('k', seq), seq FROM seq_1_to_20000`);
  const lake = await localLake(join(work, 'lake'));
  const config = writeConfig(work, DB, {
    lake,
    output: {
      format: 'parquet', include_op_for_full_load: true, timestamp_column_name: 'ts',
      sequence_column_name: 'seq', cdc_max_batch_interval: '1s',
    },
    extra: { full_load: { threads: 2, chunk_rows: 200 } },
  });
  const rand = prng(Number(process.env.LOAD_ROW_TIME_SEED ?? Date.now() % 1000000));
  let stop = false;
  const workload = (async () => {
    while (!stop) {
      const stmts = [];
      for (let i = 0; i < 20; ++i) {
        const n = 1 + Math.floor(rand() * 20000);
        const where = `WHERE a = ${n % 13} AND b = 'k${n}'`;
        stmts.push(i === 0 ? `DELETE FROM ${DB}.items ${where}` : `UPDATE ${DB}.items SET v = v + 1 ${where}`);
      }
      await sql(stmts.join(';\n'));
    }
  })();
  try {
    await runBinlake(config, { check: true, timeoutMs: 240000 });
  } finally {
    stop = true;
    await workload;
  }
  await runBinlake(config, { check: true });

  const objects = await lakeObjects(lake);
  const files = tableFiles(objects, DB, 'items').map((k) => `'${join(lake.dir, k)}'`);
  assert.ok(files.some((f) => /\/LOAD/.test(f)), 'LOAD files were written');
  const changes = `read_parquet([${files.join(', ')}], union_by_name = true, filename = true)`;
  const [[pairs, wrong]] = await duckdb(`
    WITH c AS (SELECT a, b, ts, seq, filename LIKE '%/LOAD%' AS load FROM ${changes})
    SELECT count(*), count(*) FILTER (WHERE cdc.ts <= l.ts)
    FROM c AS l JOIN c AS cdc ON l.a = cdc.a AND l.b = cdc.b AND cdc.seq > l.seq
    WHERE l.load AND NOT cdc.load`);
  assert.ok(Number(pairs) > 0, 'some keys changed after their LOAD row');
  assert.equal(Number(wrong), 0, `${wrong} of ${pairs} later changes sort before their LOAD row`);

  const text = (rows) => rows.map((r) => r.map(String).join('|')).sort();
  const bySeq = await duckdb(`SELECT a, b, v FROM ${changes}
    QUALIFY row_number() OVER (PARTITION BY a, b ORDER BY seq DESC) = 1 AND Op <> 'D'`);
  const source = text(await sql(`SELECT a, b, v FROM ${DB}.items`));
  assert.ok(source.length < 20000, 'the workload deleted rows');
  assert.deepEqual(text(bySeq), source);

  const r = recipes();
  const view = `CREATE VIEW changes AS SELECT * FROM ${changes};`;
  for (const merge of ['merge', 'merge-spark']) {
    // Applied twice: the second application changes nothing.
    const merged = await duckdb(`${view} ${r.target} ${r[merge]} ${r[merge]} SELECT a, b, v FROM items`);
    assert.deepEqual(text(merged), source, `${merge} equals SELECT *`);
  }
  const ods = await duckdb(`${view} ${r['target-ods']} ${r['merge-ods']}
    SELECT a, b, v, is_deleted FROM items_ods`);
  assert.deepEqual(text(ods.filter((row) => !row[3]).map((row) => row.slice(0, 3))), source);
  const [[keys]] = await duckdb(`SELECT count(DISTINCT (a, b)) FROM ${changes}`);
  assert.equal(ods.length, Number(keys), 'deleted rows are kept, marked');
  assert.ok(ods.some((row) => row[3]), 'some rows are marked deleted');
});
