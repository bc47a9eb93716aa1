// DMS table mappings (docs/migrating-from-dms.md), against the rig's MariaDB: every selection
// filter operator, on a full load and then on CDC that moves rows into and out of the filtered
// set, must leave exactly the rows `SELECT ... WHERE <the filter>` returns; every
// transformation action shapes the change log's names, columns and values as DMS documents;
// exclude / explicit selection and load-order choose and order the tables; a rule binlake
// does not carry out stops the start with its rule-id.

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { duckdb, sql } from '../lib/rig.mjs';
import { mergeOnRead } from './iceberg_support.mjs';
import { lakeObjects, localLake, runBinlake, tempDir, writeConfig } from './run_support.mjs';

const DB = `mapping_${process.pid}`;
const OUT = `${DB}_lake`;
const work = tempDir('table-mapping');
after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  rmSync(work, { recursive: true, force: true });
});

// Each filter table, its DMS filters and the SQL condition they must amount to.
const FILTERS = {
  f_eq: [[{ col: 's', ops: [{ 'filter-operator': 'eq', value: 'x' }] }], "s = 'x'"],
  f_noteq: [[{ col: 'v', ops: [{ 'filter-operator': 'noteq', value: '5' }] }], 'v <> 5'],
  f_ste: [[{ col: 'd', ops: [{ 'filter-operator': 'ste', value: '2024-06-30' }] }], "d <= '2024-06-30'"],
  f_gte: [[{ col: 'v', ops: [{ 'filter-operator': 'gte', value: '50' }] }], 'v >= 50'],
  f_between: [[{ col: 'v', ops: [{ 'filter-operator': 'between', 'start-value': '10', 'end-value': '60' }] }],
    'v BETWEEN 10 AND 60'],
  f_notbetween: [[{ col: 'd', ops: [{ 'filter-operator': 'notbetween', 'start-value': '2024-03-01', 'end-value': '2024-09-30' }] }],
    "NOT (d BETWEEN '2024-03-01' AND '2024-09-30')"],
  f_null: [[{ col: 'v', ops: [{ 'filter-operator': 'null' }] }], 'v IS NULL'],
  f_notnull: [[{ col: 's', ops: [{ 'filter-operator': 'notnull' }] }], 's IS NOT NULL'],
  // Conditions of one filter are ORed, filters are ANDed.
  f_combo: [[{ col: 'v', ops: [{ 'filter-operator': 'eq', value: '1' }, { 'filter-operator': 'gte', value: '90' }] },
    { col: 's', ops: [{ 'filter-operator': 'noteq', value: 'x' }] }], "(v = 1 OR v >= 90) AND s <> 'x'"],
};

let ruleId = 0;
const selection = (table, action, extra = {}) => ({
  'rule-type': 'selection', 'rule-id': String(++ruleId), 'rule-name': `r${ruleId}`,
  'object-locator': { 'schema-name': DB, 'table-name': table }, 'rule-action': action, ...extra,
});
const transform = (target, action, locator, extra = {}) => ({
  'rule-type': 'transformation', 'rule-id': String(++ruleId), 'rule-name': `r${ruleId}`,
  'rule-target': target, 'object-locator': { 'schema-name': DB, ...locator }, 'rule-action': action, ...extra,
});

function mappingDoc() {
  const rules = [];
  for (const [table, [filters]] of Object.entries(FILTERS)) {
    rules.push(selection(table, 'include', {
      filters: filters.map((f) => ({ 'filter-type': 'source', 'column-name': f.col, 'filter-conditions': f.ops })),
    }));
  }
  rules.push(selection('people', 'include', { 'load-order': 5 }));
  rules.push(selection('nokey', 'explicit'));
  rules.push(selection('tmp[_]things', 'include'));
  rules.push(selection('f[_]%', 'include'));
  // Exclude wins over include, whatever the order.
  rules.push(selection('oth%', 'include'));
  rules.push(selection('other', 'exclude'));
  rules.push(transform('schema', 'rename', {}, { value: OUT }));
  rules.push(transform('table', 'rename', { 'table-name': 'people' }, { value: 'persons' }));
  rules.push(transform('table', 'add-prefix', { 'table-name': 'people' }, { value: 'raw_' }));
  rules.push(transform('table', 'remove-prefix', { 'table-name': 'tmp%' }, { value: 'tmp_' }));
  rules.push(transform('table', 'convert-uppercase', { 'table-name': 'nokey' }));
  const col = (c) => ({ 'table-name': 'people', 'column-name': c });
  rules.push(transform('column', 'convert-lowercase', col('First_Name')));
  rules.push(transform('column', 'convert-uppercase', col('last_name')));
  rules.push(transform('column', 'remove-column', col('secret')));
  rules.push(transform('column', 'change-data-type', col('age'), { 'data-type': { type: 'int4' } }));
  rules.push(transform('column', 'change-data-type', col('score'), { 'data-type': { type: 'string', length: 20 } }));
  rules.push(transform('column', 'add-suffix', col('bio'), { value: '_v' }));
  rules.push(transform('column', 'add-column', { 'table-name': 'people' }, {
    value: 'full_name', expression: "$First_Name||' '||$last_name", 'data-type': { type: 'string', length: 50 } }));
  rules.push(transform('column', 'add-column', { 'table-name': 'people' }, {
    value: 'op_flag', expression: "operation_indicator('D', 'U', 'I')", 'data-type': { type: 'string', length: 1 } }));
  rules.push(transform('column', 'add-column', { 'table-name': 'people' }, {
    value: 'src', expression: '$AR_M_SOURCE_TABLE_NAME', 'data-type': { type: 'string', length: 64 } }));
  rules.push(transform('column', 'add-column', { 'table-name': 'people' }, {
    value: 'changed_at', expression: '$AR_H_TIMESTAMP', 'data-type': { type: 'datetime', scale: 6 } }));
  rules.push(transform('column', 'add-before-image-columns', col('%'), {
    'before-image-def': { 'column-prefix': 'BI_', 'column-suffix': '', 'column-filter': 'non-lob' } }));
  rules.push(transform('column', 'replace-suffix', { 'table-name': 'tmp_things', 'column-name': 'val_old' },
    { 'old-value': '_old', value: '_new' }));
  rules.push(transform('table', 'define-primary-key', { 'table-name': 'nokey' }, {
    'primary-key-def': { name: 'pk', origin: 'primary-key', columns: ['a'] } }));
  rules.push({ 'rule-type': 'table-settings', 'rule-id': String(++ruleId), 'rule-name': 'settings',
    'object-locator': { 'schema-name': DB, 'table-name': 'people' }, 'parallel-load': { type: 'none' } });
  return { rules };
}

async function setUp() {
  const tables = Object.keys(FILTERS).map((t) => `
    CREATE TABLE ${t} (id INT PRIMARY KEY, v INT, d DATE, s VARCHAR(4));
    INSERT INTO ${t} SELECT seq, IF(seq % 11 = 0, NULL, (seq * 37) % 101),
      DATE_ADD('2024-01-01', INTERVAL (seq * 13) % 366 DAY), ELT(1 + seq % 4, 'x', 'y', 'z', NULL)
      FROM seq_1_to_300;`).join('\n');
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; USE ${DB};
    ${tables}
    CREATE TABLE people (id INT PRIMARY KEY, First_Name VARCHAR(20), last_name VARCHAR(20),
      secret VARCHAR(20), age VARCHAR(5), score DECIMAL(6,2), bio TEXT);
    INSERT INTO people VALUES (1, 'Ada', 'Lovelace', 's1', '36', 12.5, 'math'),
      (2, 'Alan', NULL, 's2', '41', -3.25, NULL), (3, 'Grace', 'Hopper', 's3', NULL, 0, 'navy');
    CREATE TABLE nokey (a INT NOT NULL, b INT);
    INSERT INTO nokey VALUES (1, 10), (2, 20);
    CREATE TABLE tmp_things (id INT PRIMARY KEY, val_old INT);
    INSERT INTO tmp_things VALUES (1, 100);
    CREATE TABLE tmpXthings (id INT PRIMARY KEY);
    CREATE TABLE other (id INT PRIMARY KEY);
    INSERT INTO other VALUES (1);`);
}

// Changes that move rows into and out of every filter, delete, insert, and move keys.
async function changeRows() {
  const stmts = [];
  for (const t of Object.keys(FILTERS)) {
    stmts.push(`UPDATE ${DB}.${t} SET v = IF(v IS NULL, 7, IF(v % 3 = 0, NULL, (v * 7 + 3) % 101)) WHERE id % 5 <> 0`);
    stmts.push(`UPDATE ${DB}.${t} SET s = ELT(1 + (id + 1) % 4, 'x', 'y', 'z', NULL), d = DATE_ADD(d, INTERVAL 100 DAY) WHERE id % 3 = 0`);
    stmts.push(`DELETE FROM ${DB}.${t} WHERE id % 17 = 0`);
    stmts.push(`UPDATE ${DB}.${t} SET id = id + 1000 WHERE id % 23 = 0`);
    stmts.push(`INSERT INTO ${DB}.${t} SELECT 2000 + seq, seq % 101, '2024-02-02', 'x' FROM seq_1_to_40`);
  }
  stmts.push(`UPDATE ${DB}.people SET score = 99.99, last_name = 'L' WHERE id = 1`);
  stmts.push(`DELETE FROM ${DB}.people WHERE id = 3`);
  stmts.push(`INSERT INTO ${DB}.people VALUES (4, 'Edsger', 'Dijkstra', 's4', '72', 1.01, 'graphs')`);
  stmts.push(`UPDATE ${DB}.nokey SET a = 1001 WHERE a = 1`);
  stmts.push(`UPDATE ${DB}.tmp_things SET val_old = 200`);
  stmts.push(`INSERT INTO ${DB}.other VALUES (2)`);
  await sql(`USE ${DB};\n${stmts.join(';\n')}`);
}

const files = (objects, lake, db, table) =>
  [...objects.keys()].filter((k) => k.startsWith(`${db}/${table}/`)).map((k) => `'${join(lake.dir, k)}'`);

const text = (rows) => rows.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join('|')).sort();

test('selection filters, transformations and settings of a DMS table mapping', async () => {
  await setUp();
  const mapping = join(work, 'table-mappings.json');
  writeFileSync(mapping, JSON.stringify(mappingDoc(), null, 2));
  const lake = await localLake(join(work, 'lake'));
  const config = writeConfig(work, DB, {
    lake,
    output: { format: 'parquet', include_op_for_full_load: true, sequence_column_name: 'seq' },
    extra: {
      full_load: { threads: 1, chunk_rows: 64 },
      tables: { mapping_file: mapping },
      iceberg: { enabled: true, commit_interval: '1s' },
    },
  });
  await runBinlake(config, { check: true });
  await changeRows();
  await runBinlake(config, { check: true });
  const objects = await lakeObjects(lake);

  // Selection: the excluded and unmatched tables are absent; names are the mapped ones.
  const tables = new Set([...objects.keys()].filter((k) => !/^(_binlake|iceberg)\//.test(k))
    .map((k) => k.split('/').slice(0, 2).join('.')));
  const expected = [...Object.keys(FILTERS), 'raw_persons', 'NOKEY', 'things'].map((t) => `${OUT}.${t}`);
  assert.deepEqual([...tables].sort(), expected.sort());
  // load-order: on one connection, people (load-order 5) is loaded before every other table.
  const finished = (t) => JSON.parse(objects.get(`_binlake/loads/${DB}/${t}/00000001.json`).toString()).finished_ms;
  for (const t of [...Object.keys(FILTERS), 'nokey', 'tmp_things']) {
    assert.ok(finished('people') <= finished(t), `people loaded before ${t}`);
  }

  // Every filter operator, on LOAD rows and CDC alike: the latest state is the source's
  // SELECT with the filter's condition.
  for (const [table, [, condition]] of Object.entries(FILTERS)) {
    const list = files(objects, lake, OUT, table);
    const latest = await duckdb(`
      SELECT id, v, CAST(d AS VARCHAR), s FROM (
        SELECT *, row_number() OVER (PARTITION BY id ORDER BY seq DESC) AS n
        FROM read_parquet([${list.join(', ')}], union_by_name = true))
      WHERE n = 1 AND Op <> 'D'`);
    const source = await sql(`SELECT id, v, DATE_FORMAT(d, '%Y-%m-%d'), s FROM ${DB}.${table}
      WHERE ${condition}`, { rows: true });
    assert.ok(source.length > 10, `${table} keeps some rows`);
    assert.deepEqual(text(latest), text(source), `${table}: ${condition}`);
    // The Iceberg tables hold the same rows, under the source's names.
    const { rows } = await mergeOnRead(join(lake.dir, 'iceberg', DB, table));
    const ice = rows.map((r) => [r.id, r.v, r.d === null ? null : String(r.d).slice(0, 10), r.s]);
    assert.deepEqual(text(ice), text(source), `iceberg ${table}: ${condition}`);
  }

  // Transformations: names, dropped and added columns, converted values.
  const persons = await duckdb(`SELECT * FROM read_parquet([${files(objects, lake, OUT, 'raw_persons').join(', ')}],
    union_by_name = true) ORDER BY seq`, { objects: true });
  assert.deepEqual(Object.keys(persons[0]), ['Op', 'seq', 'id', 'first_name', 'LAST_NAME', 'age', 'score',
    'bio_v', 'full_name', 'op_flag', 'src', 'changed_at', 'BI_id', 'BI_first_name', 'BI_LAST_NAME',
    'BI_age', 'BI_score']);
  const byKey = (op, id) => persons.find((r) => r.Op === op && Number(r.id) === id);
  const ada = byKey('I', 1);
  assert.equal(ada.first_name, 'Ada');
  assert.equal(ada.LAST_NAME, 'Lovelace');
  assert.equal(Number(ada.age), 36);
  assert.equal(ada.score, '12.50');
  assert.equal(ada.full_name, 'Ada Lovelace');
  assert.equal(ada.op_flag, 'I');
  assert.equal(ada.src, 'people');
  assert.equal(ada.BI_id, null);
  assert.equal(byKey('I', 2).full_name, null, 'NULL || text is NULL');
  assert.equal(byKey('I', 3).age, null);
  const update = byKey('U', 1);
  assert.equal(update.op_flag, 'U');
  assert.equal(update.score, '99.99');
  assert.equal(update.full_name, 'Ada L');
  assert.equal(update.BI_score, '12.50');
  assert.equal(update.BI_LAST_NAME, 'Lovelace');
  assert.ok(update.changed_at !== null);
  const removed = byKey('D', 3);
  assert.equal(removed.op_flag, 'D');
  assert.equal(removed.first_name, 'Grace');
  assert.equal(byKey('I', 4).bio_v, 'graphs');

  // define-primary-key: moving the defined key writes a delete and an insert.
  const nokey = text(await duckdb(`SELECT Op, a, b FROM read_parquet([${files(objects, lake, OUT, 'NOKEY').join(', ')}],
    union_by_name = true) ORDER BY seq`));
  assert.deepEqual(nokey, text([['I', 1, 10], ['I', 2, 20], ['D', 1, 10], ['I', 1001, 10]]));
  const things = await duckdb(`SELECT Op, val_new FROM read_parquet([${files(objects, lake, OUT, 'things').join(', ')}],
    union_by_name = true) ORDER BY seq`);
  assert.deepEqual(text(things), text([['I', 100], ['U', 200]]));
});

test('a rule binlake does not carry out stops the start and names its rule-id', async () => {
  const dir = join(work, 'refused');
  const cases = [
    [{ 'rule-type': 'transformation', 'rule-id': '41', 'rule-name': 'x', 'rule-target': 'column',
      'object-locator': { 'schema-name': DB, 'table-name': 'people' }, 'rule-action': 'add-column', value: 'u',
      expression: 'upper($First_Name)', 'data-type': { type: 'string', length: 20 } }, /rule-id 41.*upper/s],
    [{ 'rule-type': 'transformation', 'rule-id': '42', 'rule-name': 'x', 'rule-target': 'index-tablespace',
      'object-locator': { 'schema-name': DB, 'table-name': '%' }, 'rule-action': 'rename', value: 'ts' }, /rule-id 42/],
    [{ ...selection('people', 'include'), 'rule-id': '43',
      filters: [{ 'filter-type': 'source', 'column-name': 'id', 'filter-conditions': [{ 'filter-operator': 'like', value: '1%' }] }] },
    /rule-id 43.*like/s],
  ];
  for (const [rule, message] of cases) {
    const mapping = join(work, `refused-${rule['rule-id']}.json`);
    writeFileSync(mapping, JSON.stringify({ rules: [selection('%', 'include'), rule] }));
    const lake = await localLake(join(dir, rule['rule-id']));
    const config = writeConfig(work, DB, { lake, extra: { tables: { mapping_file: mapping } } });
    const r = await runBinlake(config);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, message);
  }
});
