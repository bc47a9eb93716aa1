// What bench/iceberg_apply.sh and iceberg_apply_batches.mjs share: the update stream
// (transactions of 1000 changes on bench.t, 700 updates and 100 deletes of random existing
// keys and 200 inserts of new keys, from a seeded generator, mulberry32, so every run changes
// the same rows), the DuckDB recompute users run today, and a census of the Iceberg table.
import { readAvro } from '../tests/lib/iceberg_avro.mjs';
import { currentMetadata } from '../tests/integration/iceberg_support.mjs';

/** A generator of keys in 1..n from a fixed seed. */
export function keyGenerator(seed = 42) {
  return (n) => {
    seed = (seed + 0x6D2B79F5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return 1 + (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

/**
 * SQL of `changes / 1000` transactions. Updates and deletes pick keys in 1..rows (the loaded
 * rows); inserts take the keys after `state.next`, which advances. Returns the SQL text.
 */
export function changeTransactions(rows, changes, rand, state) {
  const out = [];
  for (let done = 0; done < changes; done += 1000) {
    const upd = [], del = [];
    for (let i = 0; i < 700; ++i) upd.push(rand(rows));
    for (let i = 0; i < 100; ++i) del.push(rand(rows));
    const lo = state.next + 1;
    state.next += 200;
    out.push(`START TRANSACTION;
UPDATE bench.t SET qty = qty + 1, note = CONCAT(IFNULL(LEFT(note, 200), ''), 'u') WHERE id IN (${upd.join(',')});
DELETE FROM bench.t WHERE id IN (${del.join(',')});
INSERT INTO bench.t SELECT seq, 1, 2, 3, 4.5, 6.7, CONCAT('new-', seq), NULL,
  TIMESTAMP'2026-06-01 00:00:00', NULL, 0 FROM seq_${lo}_to_${state.next};
COMMIT;`);
  }
  return out.join('\n');
}

/**
 * The merge users run on a change log today: DuckDB recomputes the latest state of bench.t
 * from the lake's LOAD and CDC Parquet files (QUALIFY ROW_NUMBER() ... = 1 by `seq`, rows
 * whose last Op is D dropped) into `out`. Returns { wallSeconds, cpuSeconds, rows } (CPU of
 * this process, where DuckDB's threads run).
 */
export async function recomputeLatestState(con, lake, out) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await con.run(`COPY (SELECT * EXCLUDE (Op, seq) FROM (
      SELECT * FROM read_parquet('${lake}/bench/t/*.parquet', union_by_name = true)
      QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY seq DESC) = 1)
    WHERE Op <> 'D') TO '${out}' (FORMAT parquet)`);
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const rows = Number((await con.runAndReadAll(
    `SELECT COUNT(*) FROM read_parquet('${out}')`)).getRowsJson()[0][0]);
  return { wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows };
}

/** The Iceberg table's current snapshot (from its newest metadata file). */
export function currentSnapshot(table) {
  const { metadata } = currentMetadata(table);
  return metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id']);
}

/** Live rows (records minus position deletes) and file counts of a snapshot. */
export async function snapshotCensus(snap) {
  let records = 0n, deleted = 0n, dataFiles = 0, deleteFiles = 0;
  for (const m of (await readAvro(snap['manifest-list'].slice('file://'.length))).records) {
    for (const e of (await readAvro(m.manifest_path.slice('file://'.length))).records) {
      if (e.status === 2) continue;
      if (e.data_file.content === 0) { ++dataFiles; records += BigInt(e.data_file.record_count); }
      else { ++deleteFiles; deleted += BigInt(e.data_file.record_count); }
    }
  }
  return { live: Number(records - deleted), dataFiles, deleteFiles };
}
