// What the dev storage's own tests share: one storage per suite with the AWS SDK pointed at it,
// and the checks of S3's answers (error XML, temp files left, conditions reached).
import { S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startTempDevStorage, type TempDevStorage } from './temp-dev-storage.js';

export const credentials = { accessKeyId: 'dev-test-access', secretAccessKey: 'dev-test-secret-0123456789' };
export const region = 'us-east-1';

export const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface TestDevStorage extends TempDevStorage {
  /** The SDK with its defaults, as a backend would use it (CRC32 checksums on every upload included). */
  client: S3Client;
  /** Names in the folder where bodies are spooled while they arrive: empty once every upload has ended. */
  tempFiles(): Promise<string[]>;
}

/** A dev storage with the test credentials and region over a fresh temp folder; close() also ends the client. */
export async function startTestDevStorage(tempPrefix: string, buckets: string[]): Promise<TestDevStorage> {
  const storage = await startTempDevStorage(tempPrefix, { ...credentials, region, buckets });
  const client = new S3Client({ endpoint: storage.url, forcePathStyle: true, region, credentials });
  return {
    ...storage,
    client,
    tempFiles: () => readdir(join(storage.dataDir, '.tmp')),
    close: async () => {
      client.destroy();
      await storage.close();
    },
  };
}

/** A tag's text in a flat S3 answer, entities decoded. */
export function tag(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match?.[1]!.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The answer is S3's `<Error>` XML with this status, code, a request id and (when given) this message; answers the XML. */
export async function assertS3Error(response: Response, status: number, code: string, message?: string | RegExp): Promise<string> {
  const xml = await response.text();
  assert.equal(response.status, status, xml);
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error>/);
  assert.equal(tag(xml, 'Code'), code, xml);
  assert.match(tag(xml, 'RequestId') ?? '', /^[0-9A-F]{16}$/);
  if (typeof message === 'string') assert.equal(tag(xml, 'Message'), message);
  else if (message) assert.match(tag(xml, 'Message') ?? '', message);
  return xml;
}

/** Polls `condition` until it holds, for what the server does with no answer to wait on (temp files written or deleted). */
export async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
