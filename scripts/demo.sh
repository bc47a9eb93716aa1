#!/usr/bin/env bash
# README command 1: see binlake replicate a small shop database into a local data lake.
#
#   scripts/demo.sh                 install dependencies, build, run the demo
#   scripts/demo.sh --skip-setup    run the demo with the binlake already built in build/
#                                   (or the one $BINLAKE_BIN names)
#
# Runs as root on a fresh Debian 12. Starts a throwaway MariaDB (tests/rig/mariadb.sh) in a
# temporary directory, creates the sample schema `shop`, replicates it, changes some rows,
# replicates again, and shows what landed in the lake. The MariaDB server is stopped on exit,
# also on error or Ctrl-C; the lake directory is kept for you to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

SKIP_SETUP=0
for arg in "$@"; do
  case "$arg" in
    --skip-setup) SKIP_SETUP=1 ;;
    -h | --help)
      sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "demo: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

BINLAKE="${BINLAKE_BIN:-$ROOT/build/src/cli/binlake}"
WORK="$(mktemp -d /tmp/binlake-demo.XXXXXX)"
SOURCE_DIR="$WORK/mariadb"
LAKE="$WORK/lake"

if [ -t 1 ]; then
  BOLD=$'\e[1m' DIM=$'\e[2m' RESET=$'\e[0m'
else
  BOLD='' DIM='' RESET=''
fi

step() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
say() { printf '    %s\n' "$@"; }

cleanup() {
  local rc=$?
  if [ -f "$SOURCE_DIR/my.cnf" ]; then
    tests/rig/mariadb.sh stop "$SOURCE_DIR" 2>/dev/null || true
    rm -rf "$SOURCE_DIR"
  fi
  if [ $rc -eq 0 ] && [ -z "$(find "$LAKE" -type f 2>/dev/null | head -n 1)" ]; then
    rm -rf "$WORK"
    printf '\n%sDone.%s The source server is stopped and its files removed.\n' "$BOLD" "$RESET"
  elif [ $rc -eq 0 ]; then
    printf '\n%sDone.%s The source server is stopped; the lake stays in %s (rm -rf %s).\n' \
      "$BOLD" "$RESET" "$LAKE" "$WORK"
  else
    printf '\ndemo: failed (exit %d); the source server is stopped. Files: %s\n' "$rc" "$WORK" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# db [mariadb client args...]: the mariadb client as the source's admin, on database shop.
db() {
  MYSQL_PWD="$MARIADB_ADMIN_PASSWORD" mariadb --no-defaults --protocol=TCP -h "$MARIADB_HOST" \
    -P "$MARIADB_PORT" -u "$MARIADB_ADMIN_USER" --default-character-set=utf8mb4 "$@"
}

setup() {
  step "setup: install dependencies and build binlake"
  scripts/install-deps.sh
  scripts/build.sh
}

start_source() {
  step "start_source: a throwaway MariaDB on 127.0.0.1"
  # The rig's watchdog stops the server even if this script is killed with SIGKILL.
  BINLAKE_RIG_OWNER_PID=$$ tests/rig/mariadb.sh start "$SOURCE_DIR" 2>"$WORK/rig.log" || {
    cat "$WORK/rig.log" >&2
    return 1
  }
  set -a
  # shellcheck source=/dev/null
  . "$SOURCE_DIR/env"
  set +a
  say "MariaDB $MARIADB_VERSION on $MARIADB_HOST:$MARIADB_PORT (data in $SOURCE_DIR)" \
    "binlog_format=ROW, binlog_row_metadata=FULL: what binlake needs (docs/source-setup.md)" \
    "binlake connects as '$BINLAKE_USER' with only SELECT, REPLICATION SLAVE, BINLOG MONITOR"
}

create_schema() {
  step "create_schema: database shop with customers, orders, order_items"
  db <<'SQL'
CREATE DATABASE shop CHARACTER SET utf8mb4;
USE shop;
CREATE TABLE customers (
  id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(255) NOT NULL UNIQUE,
  tier ENUM('bronze', 'silver', 'gold') NOT NULL DEFAULT 'bronze',
  created_at DATETIME(3) NOT NULL
);
CREATE TABLE orders (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  status ENUM('new', 'paid', 'shipped', 'cancelled') NOT NULL DEFAULT 'new',
  total DECIMAL(12, 2) NOT NULL,
  placed_at DATETIME(3) NOT NULL,
  shipping JSON,
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
);
CREATE TABLE order_items (
  order_id BIGINT UNSIGNED NOT NULL,
  line SMALLINT UNSIGNED NOT NULL,
  sku VARCHAR(32) NOT NULL,
  description VARCHAR(200) NOT NULL,
  quantity INT NOT NULL,
  unit_price DECIMAL(10, 2) NOT NULL,
  PRIMARY KEY (order_id, line),
  CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
);

INSERT INTO customers (name, email, tier, created_at) VALUES
  ('Zoë Müller', 'zoe@example.com', 'gold', '2026-01-15 08:30:00.125'),
  ('José Núñez', 'jose@example.com', 'silver', '2026-02-01 12:00:00.000'),
  ('李小龙', 'xiaolong@example.com', 'bronze', '2026-03-10 17:45:30.500'),
  ('Åsa Ødegård 🌲', 'asa@example.com', 'bronze', '2026-04-22 06:05:59.999');
INSERT INTO orders (customer_id, status, total, placed_at, shipping) VALUES
  (1, 'paid', 129.90, '2026-11-01 10:00:00.001', '{"city": "Zürich", "express": true}'),
  (2, 'shipped', 45.50, '2026-11-02 11:30:00.250', '{"city": "Sevilla", "express": false}'),
  (3, 'new', 9.99, '2026-11-03 21:15:45.678', NULL);
INSERT INTO order_items VALUES
  (1, 1, 'TEA-001', 'Grüner Tee, 250 g', 2, 12.95),
  (1, 2, 'MUG-010', 'Tasse « Bonjour »', 1, 104.00),
  (2, 1, 'BOOK-42', 'Cien años de soledad', 1, 45.50),
  (3, 1, 'PEN-007', '钢笔', 1, 9.99);
SQL
  db -t shop -e "SELECT 'customers' AS \`table\`, COUNT(*) AS \`rows\` FROM customers
                 UNION ALL SELECT 'orders', COUNT(*) FROM orders
                 UNION ALL SELECT 'order_items', COUNT(*) FROM order_items" | sed 's/^/    /'
  say "Types on show: DECIMAL, DATETIME(3), ENUM, JSON, VARCHAR with non-ASCII text." \
    "order_items.order_id is a FOREIGN KEY with ON DELETE CASCADE."
}

# The replication step: everything binlake does between the source and the lake happens here.
# `binlake run --stop-at-end` loads tables not loaded yet (LOAD files), replicates up to the
# binlog end, then flushes, checkpoints and exits; the next run resumes from that checkpoint.
replicate() {
  step "replicate: binlake run --stop-at-end, from the source into $LAKE"
  mkdir -p "$LAKE" "$WORK/spill"
  cat >"$WORK/binlake.yaml" <<YAML
source:
  host: $MARIADB_HOST
  port: $MARIADB_PORT
  user: $BINLAKE_USER
  password: \${DEMO_SOURCE_PASSWORD}
target:
  url: file://$LAKE
output:
  format: csv
  add_column_name: true
  timestamp_column_name: commit_ts
  include_op_for_full_load: true
  cdc_max_batch_interval: 1s
tables:
  include: ["shop.%"]
iceberg:
  enabled: true          # latest-state tables beside the change log (docs/iceberg.md)
  commit_interval: 1s
spill:
  dir: $WORK/spill       # spill files, the Iceberg key index and the row state kept between runs
# cascades: auto         # the default: child rows changed by foreign-key actions are written
# truncate: delete-rows  # the default: TRUNCATE TABLE writes a D row per row removed
YAML
  say "Config: $WORK/binlake.yaml"
  DEMO_SOURCE_PASSWORD="$BINLAKE_PASSWORD" "$BINLAKE" run -c "$WORK/binlake.yaml" --stop-at-end \
    2>&1 | sed 's/^/    /'
  local checkpoint
  checkpoint="$(find "$LAKE/_binlake/checkpoints" -type f | sort | tail -n 1)"
  say "Checkpoint in the lake: ${checkpoint#"$LAKE"/}" "    $(cat "$checkpoint")"
}

run_workload() {
  step "run_workload: inserts, updates and deletes on the source"
  db shop <<'SQL'
INSERT INTO customers (name, email, tier, created_at)
  VALUES ('Chloé Dubois', 'chloe@example.com', 'bronze', '2026-11-22 09:00:00.042');
INSERT INTO orders (customer_id, status, total, placed_at, shipping)
  VALUES (5, 'new', 31.80, '2026-11-22 09:01:02.003', '{"city": "Lyon", "express": false}');
INSERT INTO order_items VALUES
  (4, 1, 'TEA-001', 'Grüner Tee, 250 g', 1, 12.95),
  (4, 2, 'CHOC-3', 'Chocolat noir 70 %', 3, 6.28);
UPDATE orders SET status = 'paid', total = total + 0.05 WHERE id = 4;
UPDATE customers SET tier = 'silver' WHERE email = 'xiaolong@example.com';
UPDATE orders SET status = 'shipped',
  shipping = JSON_SET(shipping, '$.tracking', 'ZX-991-CH') WHERE id = 1;
-- Deleting order 2 also deletes its items through ON DELETE CASCADE. MariaDB does not write
-- those cascaded deletes to the binlog; binlake writes them itself, from its row state
-- (docs/cascades.md), in the same transaction as the order's delete.
DELETE FROM orders WHERE id = 2;
SQL
  db -t shop -e "SELECT o.id AS order_id, c.name, o.status, o.total, o.placed_at,
                        JSON_VALUE(o.shipping, '$.city') AS city,
                        (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS items
                 FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id" |
    sed 's/^/    /'
}

show_lake() {
  step "show_lake: what is in $LAKE"
  local files
  files="$(cd "$LAKE" && find . -type f | sed 's|^\./||' | sort)"
  if [ -z "$files" ]; then
    say "The lake is empty: the replicate step wrote no files."
    return 0
  fi
  (cd "$LAKE" && find . -type f -printf '%8s  %P\n' | sort -k2) | sed 's/^/    /'
  # DuckDB (a test dependency in node_modules) reads every data file the way a consumer would.
  # shellcheck disable=SC2016  # JavaScript, not shell
  LAKE="$LAKE" node --input-type=module -e '
    import { DuckDBInstance } from "@duckdb/node-api";
    import { execSync } from "node:child_process";
    const lake = process.env.LAKE;
    const files = execSync("find . -type f", { cwd: lake, encoding: "utf8" }).split("\n")
      .filter((f) => /\.(parquet|csv|json)(\.gz)?$/.test(f) && !f.includes("_binlake/") &&
                     !f.startsWith("./iceberg/")).sort();
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    for (const f of files) {
      const path = `${lake}/${f.slice(2)}`.replaceAll("\x27", "\x27\x27");
      const reader = f.includes(".parquet") ? `read_parquet(\x27${path}\x27)`
                   : f.includes(".csv") ? `read_csv(\x27${path}\x27, header = true, all_varchar = true)`
                   : `read_json_auto(\x27${path}\x27)`;
      const result = await con.runAndReadAll(`SELECT * FROM ${reader} LIMIT 20`);
      console.log(`\n    ${f.slice(2)}`);
      console.log("    " + result.columnNames().join(" | "));
      for (const row of result.getRowsJson()) console.log("    " + row.map(String).join(" | "));
    }' || say "(could not read the files with DuckDB)"
}

# The latest-state tables, to compare with the change log above: the updated rows in their new
# state, deleted ones gone. Each table is read from its Iceberg metadata, Avro manifests and
# Parquet data and delete files by the tests' merge-on-read (avsc + DuckDB).
show_tables() {
  step "show_tables: the Iceberg latest-state tables in $LAKE/iceberg"
  # shellcheck disable=SC2016  # JavaScript, not shell
  LAKE="$LAKE" ROOT="$ROOT" node --input-type=module -e '
    const { mergeOnRead, currentMetadata } =
      await import(`${process.env.ROOT}/tests/integration/iceberg_support.mjs`);
    for (const table of ["customers", "orders", "order_items"]) {
      const dir = `${process.env.LAKE}/iceberg/shop/${table}`;
      const { version, metadata } = currentMetadata(dir);
      const snap = metadata.snapshots.find((s) => s["snapshot-id"] === metadata["current-snapshot-id"]);
      const rows = (await mergeOnRead(dir)).rows;
      console.log(`\n    iceberg/shop/${table}  (v${version}.metadata.json, ` +
        `binlog position ${snap.summary["binlake.position"]})`);
      if (rows.length === 0) { console.log("    (no rows)"); continue; }
      console.log("    " + Object.keys(rows[0]).join(" | "));
      for (const r of rows) {
        console.log("    " + Object.values(r).map(String).join(" | "));
      }
    }' || say "(could not read the Iceberg tables)"
  say "" "Order 2 is gone from iceberg/shop/orders and order 4 is 'paid'. Order 2's items left" \
    "iceberg/shop/order_items with it: the binlog holds only the order's delete, and binlake" \
    "wrote the cascaded deletes of its items (the D rows of order 2 in shop/order_items/ above)."
}

main() {
  printf '%sbinlake demo%s: MariaDB -> local data lake. Work directory: %s\n' "$BOLD" "$RESET" \
    "$WORK"
  if [ "$SKIP_SETUP" -eq 0 ]; then setup; fi
  [ -x "$BINLAKE" ] || {
    echo "demo: $BINLAKE is missing; run scripts/build.sh (or drop --skip-setup)" >&2
    exit 1
  }
  start_source
  create_schema
  replicate # first run: the full load of shop's rows (LOAD files), then CDC to the binlog end
  run_workload
  replicate # second run: the workload's changes, read from the binlog
  show_lake
  show_tables
  printf '%s' "$DIM"
  say "" "Next: docs/testing.md (how the test servers work), docs/source-setup.md (your server)."
  printf '%s' "$RESET"
}

main
