// Shared helpers for the Parquet writer tests: build a spec for parquet_write_tool, run it,
// and read the file back with DuckDB and hyparquet.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export const TOOL = process.env.PARQUET_WRITE_TOOL ?? 'build/src/format/parquet_write_tool';
const dir = mkdtempSync(join(tmpdir(), 'binlake-parquet-'));
// Kept for debugging when BINLAKE_KEEP_PARQUET is set.
process.on('exit', () => {
  if (!process.env.BINLAKE_KEEP_PARQUET) rmSync(dir, { recursive: true, force: true });
});
let fileCounter = 0;

const hex = (buf) => Buffer.from(buf).toString('hex');

// Value constructors: each returns the tool's text form plus what readers should see.
export const V = {
  null: () => 'N',
  absent: () => 'A',
  int: (x) => `i:${BigInt(x)}`,
  uint: (x) => `u:${BigInt(x)}`,
  float: (x) => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(x);
    return `f:${b.readUInt32LE().toString(16)}`;
  },
  double: (x) => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(x);
    return `d:${b.readBigUInt64LE().toString(16)}`;
  },
  dec: (text) => `dec:${text}`,
  date: (y, m, d) => `date:${y}-${m}-${d}`,
  time: (neg, h, m, s, us) => `time:${neg ? '-' : ''}${h}:${m}:${s}:${us}`,
  datetime: (y, mo, d, h, mi, s, us) => `dt:${y}-${mo}-${d}-${h}-${mi}-${s}-${us}`,
  timestamp: (sec, us) => `ts:${BigInt(sec)}:${us}`,
  str: (s) => `s:${hex(Buffer.from(s, 'utf8'))}`,
  bytes: (b) => `b:${hex(b)}`,
  json: (s) => `j:${hex(Buffer.from(s, 'utf8'))}`,
};

// col('id', 'int64', {nullable, unsigned, precision, scale, fieldId, elements})
export function col(name, type, o = {}) {
  return {
    name,
    type,
    nullable: o.nullable ?? true,
    unsigned: o.unsigned ?? false,
    precision: o.precision ?? 0,
    scale: o.scale ?? 0,
    fieldId: o.fieldId ?? 0,
    elements: o.elements ?? [],
  };
}

// Writes a file; returns its path. Throws with the tool's stderr on failure.
export function writeParquet({ options = {}, columns, rows }) {
  const lines = [];
  for (const [k, v] of Object.entries(options)) lines.push(`opt\t${k}\t${v}`);
  for (const c of columns) {
    const el = c.elements.length ? c.elements.map((e) => hex(Buffer.from(e, 'utf8'))).join(',') : '-';
    lines.push(
      ['col', c.name, c.type, c.nullable ? 1 : 0, c.unsigned ? 1 : 0, c.precision, c.scale, c.fieldId, el].join('\t'),
    );
  }
  for (const r of rows) lines.push(['row', ...r].join('\t'));
  const path = join(dir, `f${++fileCounter}.parquet`);
  const res = spawnSync(TOOL, [path], { input: lines.join('\n') + '\n', maxBuffer: 1 << 26 });
  if (res.error) throw res.error;
  if (res.status !== 0) {
    const err = new Error(`parquet_write_tool exited ${res.status}: ${res.stderr.toString()}`);
    err.stderr = res.stderr.toString();
    err.status = res.status;
    throw err;
  }
  return path;
}

let conn;
export async function duck() {
  if (!conn) {
    const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
    conn = await inst.connect();
    await conn.run("SET TimeZone = 'UTC'");
  }
  return conn;
}

// Rows of a query as arrays of JS values (BIGINT as bigint, DOUBLE as number, ...).
export async function query(sql) {
  const c = await duck();
  const r = await c.runAndReadAll(sql);
  return r.getRowsJS();
}

export async function queryObjects(sql) {
  const c = await duck();
  const r = await c.runAndReadAll(sql);
  return r.getRowObjectsJS();
}

export async function readHyparquet(path) {
  const { parquetReadObjects } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const buf = readFileSync(path);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return parquetReadObjects({ file, compressors });
}

export async function hyparquetMetadata(path) {
  const { parquetMetadata } = await import('hyparquet');
  const buf = readFileSync(path);
  return parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

// Microseconds since the epoch of a civil date-time read as UTC, as a BigInt.
export function civilMicros(y, mo, d, h = 0, mi = 0, s = 0, us = 0) {
  const ms = Date.UTC(2000, mo - 1, d, h, mi, s);
  const shifted = new Date(ms);
  shifted.setUTCFullYear(y); // years 0..99 must not be taken as 1900..1999
  return BigInt(shifted.getTime()) * 1000n + BigInt(us);
}

export function sqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

// Page headers of every column chunk, read with hyparquet's Thrift decoder: for each row
// group, for each column, [{type, uncompressed, compressed, numValues, encoding,
// nullCount, min, max (Buffers)}], plus the chunk's byte span check.
export async function pageHeaders(path) {
  const { deserializeTCompactProtocol } = await import('hyparquet/src/thrift.js');
  const buf = readFileSync(path);
  const meta = await hyparquetMetadata(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return meta.row_groups.map((rg) => rg.columns.map((cc) => {
    const md = cc.meta_data;
    const start = Number(md.dictionary_page_offset ?? md.data_page_offset);
    const end = start + Number(md.total_compressed_size);
    const pages = [];
    const reader = { view, offset: start };
    while (reader.offset < end) {
      const h = deserializeTCompactProtocol(reader);
      const dp = h.field_5;
      const st = dp?.field_5;
      pages.push({
        offset: reader.offset,
        type: h.field_1,
        uncompressed: h.field_2,
        compressed: h.field_3,
        numValues: dp ? dp.field_1 : h.field_7.field_1,
        encoding: dp ? dp.field_2 : h.field_7.field_2,
        nullCount: st?.field_3 === undefined ? undefined : Number(st.field_3),
        min: st?.field_6 && Buffer.from(st.field_6),
        max: st?.field_5 && Buffer.from(st.field_5),
      });
      reader.offset += h.field_3;
    }
    return { meta: md, pages, end: reader.offset, expectedEnd: end };
  }));
}
