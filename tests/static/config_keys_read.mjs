// Every configuration field is read somewhere outside src/config/: a key that is parsed and
// documented but never used is a setting that silently does nothing. For each field of the
// structs in src/config/config.h, some .cc or .h file outside src/config/ (tests excluded)
// must name it as a member (`.field` or `->field`).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = process.env.BINLAKE_SOURCE_DIR ?? join(import.meta.dirname, '../..');

function sources(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'config') sources(p, out);
    } else if (/\.(cc|h)$/.test(e.name) && !/_test\.cc$/.test(e.name)) {
      out.push(readFileSync(p, 'utf8'));
    }
  }
  return out;
}

test('every field of the configuration is read outside the parser', () => {
  const header = readFileSync(join(root, 'src/config/config.h'), 'utf8');
  const fields = [];
  for (const block of header.matchAll(/struct (\w+Config) \{([\s\S]*?)\n\};/g)) {
    for (const line of block[2].split('\n')) {
      const m = line.match(/^\s+(?:[\w:<>, ]+?)\s+(\w+)(?:\s*=\s*[^;]*)?;/);
      if (m && !/^\s*(\/\/|enum|struct|bool operator)/.test(line)) fields.push(`${block[1]}.${m[1]}`);
    }
  }
  assert.ok(fields.length > 60, `found ${fields.length} fields`);
  const code = sources(join(root, 'src')).join('\n');
  const unread = fields.filter((f) => {
    const name = f.split('.')[1];
    return !new RegExp(`(\\.|->)${name}\\b`).test(code);
  });
  assert.deepEqual(unread, [], 'fields parsed but never read outside src/config/');
});
