/** Silences console.error for a test that provokes a logged failure; collects this package's lines. */
export async function withLoggedErrors<T>(run: () => Promise<T>): Promise<{ result: T; logged: unknown[][] }> {
  const logged: unknown[][] = [];
  const original = console.error;
  // Node's own warnings (the AWS SDK's Node 20 notice) also come through here: keep only ours.
  console.error = (...args: unknown[]) => void (String(args[0]).startsWith('presigned-uploader/server') && logged.push(args));
  try {
    return { result: await run(), logged };
  } finally {
    console.error = original;
  }
}
