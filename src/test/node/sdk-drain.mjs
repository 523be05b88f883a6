// Deletes activities 1..N with the official Bitrix24 JS SDK's bulk call, for the benchmark's drain-standard phase.
// Usage: node sdk-drain.mjs <path to the SDK's package folder> <webhook URL (https)> <N>
// The SDK is used as its README shows for a backend (B24Hook.fromWebhookUrl, default restriction params = standard
// plan) and its documented bulk call, actions.v2.batchByChunk (chunks of 50, sent one after another). The last line
// printed is one JSON object: {"started", "finished"} (epoch millis; "finished" = the last reply's arrival),
// "succeeded", "failed", "errors" (the first few error messages).
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [sdkDir, webhookUrl, countText] = process.argv.slice(2);
const count = Number.parseInt(countText, 10);
if (!sdkDir || !webhookUrl || !(count > 0)) {
  console.error('usage: node sdk-drain.mjs <sdk package folder> <https webhook URL> <N>');
  process.exit(2);
}

const sdk = await import(pathToFileURL(path.join(sdkDir, 'dist', 'esm', 'index.mjs')).href);
const { B24Hook, LoggerFactory } = sdk;

const b24 = B24Hook.fromWebhookUrl(webhookUrl);
// the SDK logs each retry and limiter wait at info level; the benchmark wants only the figures
if (LoggerFactory?.createNullLogger && typeof b24.setLogger === 'function') {
  b24.setLogger(LoggerFactory.createNullLogger());
}

const calls = Array.from({ length: count }, (_, i) => ['crm.activity.delete', { id: i + 1 }]);
const started = Date.now();
let result;
let thrown = null;
try {
  result = await b24.actions.v2.batchByChunk.make({ calls, options: { isHaltOnError: false } });
} catch (e) {
  thrown = e;
}
const finished = Date.now();

const succeeded = result ? result.getData().length : 0;
const errors = [];
if (thrown) {
  errors.push(String(thrown?.message ?? thrown));
}
if (result && !result.isSuccess) {
  errors.push(...result.getErrorMessages().slice(0, 5));
}
console.log(JSON.stringify({ started, finished, succeeded, failed: count - succeeded, errors: errors.slice(0, 5) }));
