// tests/lib/rig.mjs's helpers that need no server: binlake() and duckdb().

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { binlake, duckdb, readEnvFile } from '../lib/rig.mjs';

test('binlake() returns exit code, stdout and stderr', async () => {
  const ok = await binlake(['version']);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /^binlake \d+\.\d+\.\d+ \(commit (\w{12}|unknown)\)\n$/);
  assert.equal(ok.stderr, '');

  const bad = await binlake(['no-such-command']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /unknown command 'no-such-command'/);
});

test('duckdb() returns exact values', async () => {
  const rows = await duckdb(`SELECT 9007199254740993::BIGINT, 12345678901234567890.123456789::DECIMAL(38, 9),
                                    TIMESTAMP '2026-11-22 16:45:00.123456', DATE '2026-11-22', NULL,
                                    'Zoë 😀', 1.5::DOUBLE, 7::INTEGER`);
  assert.deepEqual(rows, [[
    '9007199254740993', '12345678901234567890.123456789', '2026-11-22 16:45:00.123456',
    '2026-11-22', null, 'Zoë 😀', 1.5, 7,
  ]]);
  const objects = await duckdb('SELECT 1 AS a, NULL AS b', { objects: true });
  assert.deepEqual(objects, [{ a: 1, b: null }]);
});

test('duckdb() reads local files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'binlake-rig-lib-'));
  try {
    writeFileSync(join(dir, 'x.csv'), 'Op,id,name\nI,1,a\nD,2,\n');
    const rows = await duckdb(`SELECT Op, id, name FROM read_csv('${dir}/x.csv') ORDER BY id`);
    // read_csv infers BIGINT for id: exact strings.
    assert.deepEqual(rows, [['I', '1', 'a'], ['D', '2', null]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readEnvFile() parses KEY=VALUE lines, keeping = in values', () => {
  const dir = mkdtempSync(join(tmpdir(), 'binlake-rig-lib-'));
  try {
    writeFileSync(join(dir, 'env'), '# comment\nA=1\nB=x=y\n\nC=\n');
    assert.deepEqual(readEnvFile(join(dir, 'env')), { A: '1', B: 'x=y', C: '' });
    assert.throws(() => readEnvFile(join(dir, 'missing'), 'mariadb'),
        /cannot read .*missing \(ENOENT\): the mariadb rig server is not running/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
