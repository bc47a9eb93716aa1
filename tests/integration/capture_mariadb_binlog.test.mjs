// binlake binlog dump --file against mariadb-binlog -vv --base64-output=DECODE-ROWS over the
// same binlog bytes: for a table with every common column type and its edge values, each
// row image's values must agree once mariadb-binlog's documented output quirks are
// normalised (each one is written at the place it is handled, with the reason).
//
// The rig's binlog is shared and still growing, so both tools read a copy of it cut at the
// binlog end reported right after this test's last transaction (complete events only).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { binlake, rigEnv, sql } from '../lib/rig.mjs';
import { tempDir } from './run_support.mjs';

const DB = `capture_cmp_${process.pid}`;
const work = tempDir('capture-cmp');

after(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  rmSync(work, { recursive: true, force: true });
});

const ENUM = ['a', "b'c", '\u00e9'];
const SET = ['p', 'q', 'r'];

// [name, SQL type, kind used for normalising]
const COLUMNS = [
  ['id', 'INT NOT NULL PRIMARY KEY', 'int'],
  ['ti', 'TINYINT', 'int'], ['tu', 'TINYINT UNSIGNED', 'uint'],
  ['si', 'SMALLINT', 'int'], ['su', 'SMALLINT UNSIGNED', 'uint'],
  ['mi', 'MEDIUMINT', 'int'], ['mu', 'MEDIUMINT UNSIGNED', 'uint'],
  ['i', 'INT', 'int'], ['iu', 'INT UNSIGNED', 'uint'],
  ['bi', 'BIGINT', 'int'], ['bu', 'BIGINT UNSIGNED', 'uint'],
  ['d1', 'DECIMAL(65,30)', 'decimal'], ['d2', 'DECIMAL(10,0)', 'decimal'],
  ['d3', 'DECIMAL(5,5)', 'decimal'],
  ['fl', 'FLOAT', 'float'], ['db', 'DOUBLE', 'double'],
  ['b1', 'BIT(1)', 'bit'], ['b64', 'BIT(64)', 'bit'],
  ['y', 'YEAR', 'year'], ['dt', 'DATE', 'date'], ['tm', 'TIME(6)', 'time'],
  ['tm0', 'TIME', 'time'], ['dtm', 'DATETIME(6)', 'datetime'], ['dtm0', 'DATETIME', 'datetime'],
  ['ts', 'TIMESTAMP(6) NULL', 'timestamp'], ['ts0', 'TIMESTAMP NULL', 'timestamp'],
  ['c', 'CHAR(10)', 'text'], ['vc', 'VARCHAR(300)', 'text'],
  ['l1', 'VARCHAR(10) CHARACTER SET latin1', 'latin1'], ['tx', 'TEXT', 'text'],
  ['bn', 'BINARY(4)', 'binary(4)'], ['vb', 'VARBINARY(20)', 'binary'], ['bl', 'BLOB', 'binary'],
  ['e', `ENUM(${ENUM.map((m) => `'${m.replaceAll("'", "''")}'`).join(',')})`, 'enum'],
  ['st', `SET(${SET.map((m) => `'${m}'`).join(',')})`, 'set'],
  ['j', 'JSON', 'text'],
];

const ROWS = [
  // minimums and negative edges
  `(1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
    -99999999999999999999999999999999999.999999999999999999999999999999, -9999999999, -0.99999,
    -3.40282e38, -1.7976931348623157e308, b'0', b'0', 1901, '1000-01-01',
    '-838:59:59.000000', '-838:59:59', '1000-01-01 00:00:00.000000', '1000-01-01 00:00:00',
    '1970-01-01 00:00:01.000000', '1970-01-01 00:00:01', '', '', '', '', X'', X'', X'', 'a', '',
    '[]')`,
  // maximums
  `(2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807,
    18446744073709551615, 99999999999999999999999999999999999.999999999999999999999999999999,
    9999999999, 0.99999, 3.40282e38, 1.7976931348623157e308, b'1',
    b'1111111111111111111111111111111111111111111111111111111111111111', 2155, '9999-12-31',
    '838:59:59.000000', '838:59:59', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59',
    '2038-01-19 03:14:07.999999', '2038-01-19 03:14:07', REPEAT('\u00e9', 10),
    REPEAT('\u{1F600}', 300), 'd\u00e9j\u00e0 vu', REPEAT('x\u{1F600}', 2000),
    X'FFFFFFFF', X'00FF7F80FE', REPEAT(X'00FF', 3000), '\u00e9', 'p,q,r', '{"k": [1, "x"]}')`,
  // small, fractional and awkward values
  `(3, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, 0.000000000000000000000000000001, 0, 0.00001,
    1.17549e-38, 2.2250738585072014e-308, b'1',
    b'1000000000000000000000000000000000000000000000000000000000000001',
    2000, '2026-02-28', '-00:00:00.000001', '00:00:00', '2026-11-22 12:34:56.000001',
    '2026-11-22 12:34:56', '2026-11-22 12:34:56.5', '2026-11-22 12:34:56', 'a b',
    'it''s "q" \\\\ tab\there ,;', 'caf\u00e9', 'line', X'00010203', X'20', X'DEADBEEF00',
    'b''c', 'q', '{"a": "\u00e9\u{1F600}"}')`,
  // NULL everywhere
  `(4, ${Array(COLUMNS.length - 1).fill('NULL').join(', ')})`,
];

function run(file, args) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'latin1', maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${stderr}`));
      else resolve(stdout);
    });
  });
}

// mariadb-binlog's rows: [{ op, images: [[value text per column]] }] for DB.t only.
function parseMariadbBinlog(text) {
  const rows = [];
  let current = null;
  let image = null;
  const table = `\`${DB}\`.\`t\``;
  for (const line of text.split('\n')) {
    if (!line.startsWith('###')) continue;
    const head = /^### (INSERT INTO|UPDATE|DELETE FROM) (\S+)$/.exec(line);
    if (head) {
      current = head[2] === table ? { op: head[1][0], images: [] } : null;
      if (current) rows.push(current);
      continue;
    }
    if (!current) continue;
    if (line === '### SET' || line === '### WHERE') {
      image = [];
      current.images.push(image);
      continue;
    }
    // The value runs to the last " /* TYPE meta=... */" comment of the line.
    const v = /^###   @(\d+)=(.*) \/\* [^*]* \*\/$/.exec(line);
    assert.ok(v, `unexpected mariadb-binlog line: ${line}`);
    assert.equal(Number(v[1]), image.length + 1);
    image.push(v[2]);
  }
  return rows;
}

// Quirk: mariadb-binlog prints string bytes raw, except bytes below 0x20, which it writes as
// \xNN; a backslash itself is not escaped. The test data has no backslash followed by "x"
// and two hex digits, so the escapes read back unambiguously. The output is read as latin1
// (one character per byte) so raw bytes survive.
function unquote(v) {
  assert.ok(v.startsWith("'") && v.endsWith("'"), `not a quoted string: ${v}`);
  const s = v.slice(1, -1).replace(/\\x([0-1][0-9a-f])/g,
      (_, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(s, 'latin1');
}

// Both tools' values in one canonical text per kind; null for NULL.
function normaliseMariadb(v, kind) {
  if (v === 'NULL') return null;
  switch (kind) {
    case 'int':
      // Quirk: a negative value is followed by its unsigned reading in parentheses.
      return v.split(' ')[0];
    case 'uint': {
      // Quirk: an unsigned column prints as signed first, its real value in parentheses.
      const m = /\((\d+)\)/.exec(v);
      return m ? m[1] : v.trim();
    }
    case 'decimal':
    case 'year':
      return v.trim();
    case 'float':
      // Quirk: FLOAT prints with %g, six significant digits.
      return String(Number(v));
    case 'double':
      // Quirk: DOUBLE prints with %.20g; 17 digits identify a double, so compare numbers.
      return String(Number(v));
    case 'bit':
      // Quirk: BIT prints as b'...' bits.
      return BigInt(`0b${/^b'([01]+)'$/.exec(v)[1]}`).toString();
    case 'date':
      // Quirk: DATE prints with ':' between the parts ('2026:02:28').
      return unquote(v).toString('latin1').replaceAll(':', '-');
    case 'time':
    case 'datetime':
      return unquote(v).toString('latin1');
    case 'timestamp':
      // Quirk: TIMESTAMP prints as seconds since the epoch with the fractional digits.
      return v.trim();
    case 'text':
      return unquote(v).toString('hex');
    case 'latin1':
      return unquote(v).toString('hex');
    case 'binary':
      return unquote(v).toString('hex');
    case 'binary(4)': {
      // Quirk: the binlog stores BINARY(n) without its trailing 0x00 padding and
      // mariadb-binlog prints what is stored; binlake restores the padding, as SELECT shows.
      const b = unquote(v);
      return Buffer.concat([b, Buffer.alloc(4 - b.length)]).toString('hex');
    }
    case 'enum':
      // Quirk: ENUM prints as its 1-based index.
      return v.trim();
    case 'set':
      // Quirk: SET prints as its member bitmap, b'...'.
      return BigInt(`0b${/^b'([01]+)'$/.exec(v)[1]}`).toString();
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

function normaliseBinlake(v, kind) {
  if (v === null) return null;
  switch (kind) {
    case 'int': case 'uint': case 'decimal': case 'year': case 'bit':
      return String(v);
    case 'float':
      return String(Number(Number(v).toPrecision(6)));
    case 'double':
      return String(Number(v));
    case 'date': case 'time': case 'datetime':
      return v;
    case 'timestamp': {
      const [whole, frac] = v.split('.');
      const secs = Date.parse(`${whole.replace(' ', 'T')}Z`) / 1000;
      return frac === undefined ? String(secs) : `${secs}.${frac}`;
    }
    case 'text':
      return Buffer.from(v, 'utf8').toString('hex');
    case 'latin1':
      // binlake converts the column's charset to UTF-8; mariadb-binlog prints the bytes.
      return Buffer.from(v, 'latin1').toString('hex');
    case 'binary':
    case 'binary(4)':
      return v;
    case 'enum':
      return String(ENUM.indexOf(v) + 1);
    case 'set':
      return String(v === '' ? 0 : v.split(',').reduce((m, x) => m | (1 << SET.indexOf(x)), 0));
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

test('binlake binlog dump --file and mariadb-binlog -vv print the same values', async () => {
  await sql(`CREATE DATABASE ${DB}`);
  await sql(`CREATE TABLE ${DB}.t (${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})
             CHARSET utf8mb4`);
  const [[file, startPos]] = await sql('SHOW MASTER STATUS');
  await sql(`SET time_zone = '+00:00'; SET sql_mode = '';
    INSERT INTO ${DB}.t VALUES ${ROWS.join(',\n')};
    UPDATE ${DB}.t SET vc = 'updated', bu = 42, b64 = b'101' WHERE id = 2;
    DELETE FROM ${DB}.t WHERE id = 1;`);
  const [[endFile, endPos]] = await sql('SHOW MASTER STATUS');
  assert.equal(endFile, file, 'the binlog rotated during the test; rerun it');

  // A copy of the binlog up to endPos: complete events only.
  const env = rigEnv('mariadb');
  const copy = join(work, file);
  const fd = openSync(join(env.MARIADB_BINLOG_DIR, file), 'r');
  const bytes = Buffer.alloc(Number(endPos));
  assert.equal(readSync(fd, bytes, 0, bytes.length, 0), bytes.length);
  closeSync(fd);
  writeFileSync(copy, bytes);

  const mb = parseMariadbBinlog(await run('mariadb-binlog', [
    '--no-defaults', '-vv', '--base64-output=DECODE-ROWS', `--start-position=${startPos}`, copy,
  ]));
  const dump = await binlake(['binlog', 'dump', '--file', copy]);
  assert.equal(dump.code, 0, dump.stderr);
  const ours = [];
  for (const line of dump.stdout.split('\n')) {
    if (!line.includes('"type":"ROW"') || !line.includes(`"table":"${DB}.t"`)) continue;
    // 64-bit integers stay text: JSON.parse would round them to doubles.
    const e = JSON.parse(line.replace(/":(-?\d{16,})([,}])/g, '":"$1"$2'));
    const images = [];
    if (e.before) images.push(e.before);
    if (e.after) images.push(e.after);
    ours.push({ op: e.op, images: images.map((img) => COLUMNS.map(([n]) => img[n])) });
  }
  assert.deepEqual(ours.map((r) => r.op), ['I', 'I', 'I', 'I', 'U', 'D']);
  assert.deepEqual(mb.map((r) => r.op), ['I', 'I', 'I', 'I', 'U', 'D']);
  let compared = 0;
  for (let r = 0; r < ours.length; ++r) {
    assert.equal(ours[r].images.length, mb[r].images.length);
    for (let i = 0; i < ours[r].images.length; ++i) {
      COLUMNS.forEach(([name, , kind], c) => {
        const a = normaliseBinlake(ours[r].images[i][c], kind);
        const b = normaliseMariadb(mb[r].images[i][c], kind);
        assert.equal(a, b, `row change ${r}, image ${i}, column ${name}: binlake ` +
            `${JSON.stringify(ours[r].images[i][c])} vs mariadb-binlog ${mb[r].images[i][c]}`);
        ++compared;
      });
    }
  }
  assert.equal(compared, 7 * COLUMNS.length);
});
