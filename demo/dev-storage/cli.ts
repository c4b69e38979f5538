// Runs the dev storage in the foreground: `tsx demo/dev-storage/cli.ts --port 9000 --data .data/storage`.
import { resolve } from 'node:path';
import { readCliOptions, USAGE } from './cli-options.js';
import { startDevStorage } from './dev-storage.js';

async function main(): Promise<void> {
  let command;
  try {
    command = readCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (command.help) {
    console.log(USAGE);
    return;
  }
  const { options } = command;
  const storage = await startDevStorage({ ...options, dataDir: resolve(options.dataDir) });
  console.log(`dev storage: ${storage.url} (buckets: ${options.buckets.join(', ')}; region ${options.region}; data in ${resolve(options.dataDir)})`);
  // What a backend needs to sign uploads for it, in the variable names the project's tests read.
  console.log(
    `  S3_ENDPOINT=${storage.url} S3_REGION=${options.region} S3_BUCKET=${options.buckets[0]} ` +
      `AWS_ACCESS_KEY_ID=${options.accessKeyId} AWS_SECRET_ACCESS_KEY=${options.secretAccessKey}`,
  );

  const stop = async () => {
    await storage.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('dev storage failed to start:', error);
  process.exit(1);
});
