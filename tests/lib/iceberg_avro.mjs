// Reads Iceberg's Avro files (manifest lists, manifests) with avsc, the independent decoder
// the tests and benchmarks trust. Iceberg ids (snapshot ids) use all 64 bits, so longs are
// read as BigInt rather than rounded to doubles.

import { Readable } from 'node:stream';

import avro from 'avsc';

const longType = avro.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(),
  toBuffer: (n) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n) => typeof n === 'bigint',
  compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
});

function bigLongs(schema) {
  if (schema === 'long') return longType;
  if (Array.isArray(schema)) return schema.map(bigLongs);
  if (schema && typeof schema === 'object') {
    if (schema.type === 'long' && !schema.logicalType) return longType;
    const out = { ...schema };
    if (out.fields) out.fields = out.fields.map((f) => ({ ...f, type: bigLongs(f.type) }));
    if (out.items) out.items = bigLongs(out.items);
    if (out.values) out.values = bigLongs(out.values);
    if (typeof out.type === 'object') out.type = bigLongs(out.type);
    return out;
  }
  return schema;
}

/**
 * Decodes an Avro container file (a path or a Buffer): { meta (header values as strings),
 * schema (the writer's schema JSON, with its attributes), records }.
 */
export function readAvro(source) {
  return new Promise((resolve, reject) => {
    const records = [];
    const meta = {};
    let schema = null;
    const options = {
      parseHook: (s) => {
        schema = s;
        return bigLongs(s);
      },
    };
    const decoder = typeof source === 'string'
      ? avro.createFileDecoder(source, options)
      : Readable.from([source]).pipe(new avro.streams.BlockDecoder(options));
    decoder
      .on('metadata', (type, codec, header) => {
        for (const [k, v] of Object.entries(header.meta)) meta[k] = v.toString();
      })
      .on('data', (r) => records.push(r))
      .on('error', reject)
      .on('end', () => resolve({ meta, schema, records }));
  });
}
