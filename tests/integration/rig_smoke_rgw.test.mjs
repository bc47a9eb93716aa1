// The RADOS Gateway rig server behaves as the S3 semantics binlake relies on: atomic create
// with If-None-Match: *, SigV4 verification, listing.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import {
  CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand,
} from '@aws-sdk/client-s3';

import { rigEnv, s3Client } from '../lib/rig.mjs';

const env = rigEnv('rgw');
const s3 = s3Client();
// Unique per run so the test also passes against a rig left running from an earlier run.
const bucket = `rig-smoke-${process.pid}`;

before(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

test('PUT with If-None-Match: * creates once, then answers 412', async () => {
  const key = 'once/object.txt';
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'first', IfNoneMatch: '*' }));
  await assert.rejects(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'second', IfNoneMatch: '*' })),
      (e) => {
        assert.equal(e.$metadata.httpStatusCode, 412);
        assert.equal(e.name, 'PreconditionFailed');
        return true;
      });
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(await got.Body.transformToString(), 'first');
});

test('a request signed with a wrong secret is refused with 403 SignatureDoesNotMatch', async () => {
  const bad = s3Client({
    credentials: { accessKeyId: env.S3_ACCESS_KEY, secretAccessKey: `${env.S3_SECRET_KEY}x` },
  });
  await assert.rejects(bad.send(new ListObjectsV2Command({ Bucket: bucket })), (e) => {
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.name, 'SignatureDoesNotMatch');
    return true;
  });
});

test('ListObjectsV2 lists keys in order, with prefix and delimiter', async () => {
  for (const key of ['list/b.parquet', 'list/a.parquet', 'list/sub/c.csv', 'other/d.json']) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
  }
  const all = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/' }));
  assert.deepEqual(all.Contents.map((o) => [o.Key, o.Size]), [
    ['list/a.parquet', 14], ['list/b.parquet', 14], ['list/sub/c.csv', 14],
  ]);
  const top = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', Delimiter: '/' }));
  assert.deepEqual(top.Contents.map((o) => o.Key), ['list/a.parquet', 'list/b.parquet']);
  assert.deepEqual(top.CommonPrefixes.map((p) => p.Prefix), ['list/sub/']);
});
