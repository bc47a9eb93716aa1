// The update stream of bench/iceberg_apply.sh: transactions of 1000 changes on bench.t, 700
// updates and 100 deletes of random existing keys and 200 inserts of new keys, from a seeded
// generator (mulberry32), so every run changes the same rows.

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
