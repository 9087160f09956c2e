// npm start: the built start (scripts/build.mjs), rebuilt first when a source changed since.
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, BuildFailed, bundlePath, currentEntry, staleReason } from './build.mjs';

const reason = staleReason();
if (reason) {
  try {
    const { ms, files } = await build();
    console.log(`built ${relative(process.cwd(), bundlePath)} from ${files} files in ${ms} ms (${reason})`);
  } catch (error) {
    console.error(error instanceof BuildFailed ? error.message : error);
    process.exit(1);
  }
}
await import(pathToFileURL(currentEntry()).href);
