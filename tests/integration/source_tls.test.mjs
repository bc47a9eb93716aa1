// TLS to the source checks the server's name: the rig's MariaDB certificate (its own CA) names
// 127.0.0.1 and localhost. Reached as 127.0.0.2 (a forwarder on another loopback address),
// verify_identity must refuse the server, saying which name the certificate lacks and what to
// set, and write no change to the lake; verify_ca (the CA only) and verify_identity under
// the right name replicate.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { rigEnv, sql } from '../lib/rig.mjs';
import { startPartitionProxy } from '../lib/tcp_partition_proxy.mjs';
import {
  lakeObjects, localLake, replayChangeLog, runBinlake, sourceLines, tempDir, writeConfig,
} from './run_support.mjs';

const DB = `source_tls_${process.pid}`;
const work = tempDir('source-tls');
const COLUMNS = ['id', 's'];

let forwarder;
after(async () => {
  await forwarder?.close();
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
});

async function configFor(name, host, port, mode) {
  const env = rigEnv('mariadb');
  const lake = await localLake(join(work, name));
  const config = writeConfig(join(work, `${name}-config`), DB, {
    lake,
    source: { host, port, tls: { mode, ca: env.MARIADB_TLS_CA } },
    output: {
      format: 'csv', include_op_for_full_load: true, timestamp_column_name: 'ts',
      sequence_column_name: 'seq',
    },
    extra: { full_load: true },
  });
  return { lake, config };
}

const data = (objects) => [...objects.keys()].filter((k) => !k.startsWith('_binlake/'));

test('verify_identity refuses a server whose certificate lacks the name used', async () => {
  const env = rigEnv('mariadb');
  await sql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
             CREATE TABLE ${DB}.a (id INT PRIMARY KEY, s VARCHAR(20));
             INSERT INTO ${DB}.a VALUES (1, 'one'), (2, 'two')`);
  forwarder = await startPartitionProxy(env.MARIADB_HOST, Number(env.MARIADB_PORT), '127.0.0.2');

  const wrong = await configFor('wrong-name', '127.0.0.2', forwarder.port, 'verify_identity');
  const refused = await runBinlake(wrong.config);
  assert.equal(refused.code, 1, refused.stderr);
  assert.doesNotMatch(refused.stderr, /Starting again/, 'a rejected certificate is not retried');
  assert.match(refused.stderr.trim().split('\n').at(-1),
      /^binlake: .*TLS handshake with 127\.0\.0\.2:\d+: server certificate rejected \(IP address mismatch\) in tls mode verify_identity: .*names host '127\.0\.0\.2'.*verify_ca/,
      'the last line names the host, the mismatch and the settings');
  assert.deepEqual(data(await lakeObjects(wrong.lake)), [], 'no change reached the lake');

  // The CA alone is checked with verify_ca: the same server, reached the same way, replicates.
  const caOnly = await configFor('ca-only', '127.0.0.2', forwarder.port, 'verify_ca');
  await runBinlake(caOnly.config, { check: true });
  assert.deepEqual(await replayChangeLog(await lakeObjects(caOnly.lake), DB, 'a', COLUMNS),
      await sourceLines(DB, 'a', COLUMNS));

  // verify_identity with a name the certificate holds.
  const right = await configFor('right-name', env.MARIADB_HOST, Number(env.MARIADB_PORT),
      'verify_identity');
  await runBinlake(right.config, { check: true });
  assert.deepEqual(await replayChangeLog(await lakeObjects(right.lake), DB, 'a', COLUMNS),
      await sourceLines(DB, 'a', COLUMNS));
  rmSync(work, { recursive: true, force: true });
});
