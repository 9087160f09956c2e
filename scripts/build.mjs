// The built start: src/node.ts and everything it imports, bundled by esbuild under dist/. Node then
// reads a few files instead of compiling the TypeScript sources through tsx and resolving some 400
// package modules one by one. The development OpenID provider (oidc-provider and its Koa stack) is
// a chunk of its own, loaded only when the service runs without OIDC_ISSUER.
//
// `npm start` rebuilds when a source it was built from changed, or the installed packages did
// (dist/node.meta.json lists what it checks); `npm run build` builds now. `node dist/node.js` runs
// the current build.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(root, 'dist');
export const bundlePath = join(distDir, 'node.js');
const metaPath = join(distDir, 'node.meta.json');
// besides the repository's bundled sources: what decides how they are compiled, and the installed
// packages (npm rewrites this file on every install; their own files are not checked one by one)
const buildInputs = ['scripts/build.mjs', 'tsconfig.json', 'node_modules/.package-lock.json'];
// PGlite finds its WebAssembly and data files next to its own module: it stays an import.
const notBundled = ['@electric-sql/pglite', '@electric-sql/pglite/*'];

/** Why the build must be (re)made, or undefined when it is current. */
export function staleReason() {
  let meta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    statSync(join(distDir, meta.entry));
  } catch {
    return 'no build yet';
  }
  for (const input of meta.inputs) {
    let modified;
    try {
      modified = statSync(join(root, input)).mtimeMs;
    } catch {
      return `${input} is gone`;
    }
    if (modified > meta.builtAtMs) return `${input} changed`;
  }
  return undefined;
}

/** The entry of the current build (after staleReason() said it is current, or build()). */
export function currentEntry() {
  return join(distDir, JSON.parse(readFileSync(metaPath, 'utf8')).entry);
}

export async function build() {
  const builtAtMs = Date.now();
  // each build in a directory of its own: a start beside this build imports the old one or the
  // new one, whole, never a mix of their chunks
  const outdir = join(distDir, `build-${builtAtMs}-${process.pid}`);
  const esbuild = await import('esbuild');
  let result;
  try {
    result = await esbuild.build({
      entryPoints: { node: join(root, 'src/node.ts') },
      outdir,
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: notBundled,
      // packages written as CommonJS require Node's built-ins
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      tsconfig: join(root, 'tsconfig.json'),
      metafile: true,
      logLevel: 'warning',
      plugins: [sourceLocation(outdir)],
    });
  } catch {
    rmSync(outdir, { recursive: true, force: true });
    throw new BuildFailed(); // esbuild has printed where and why
  }
  const sources = Object.keys(result.metafile.inputs)
    .map((input) => relative(root, resolve(root, input)).split(sep).join('/'))
    .filter((input) => !input.split('/').includes('node_modules'));
  const inputs = [...sources, ...buildInputs];
  const entry = relative(distDir, join(outdir, 'node.js')).split(sep).join('/');
  const previous = existingEntry();
  // written aside and renamed, so whoever reads them reads them whole
  const suffix = `.${process.pid}.tmp`;
  writeFileSync(metaPath + suffix, JSON.stringify({ builtAtMs, entry, inputs }, null, 1));
  writeFileSync(bundlePath + suffix, `// the current build (scripts/build.mjs)\nawait import('./${entry}');\n`);
  renameSync(metaPath + suffix, metaPath);
  renameSync(bundlePath + suffix, bundlePath);
  // the build before this one may still be starting somewhere; older ones go
  for (const name of readdirSync(distDir)) {
    if (name.startsWith('build-') && name !== entry.split('/')[0] && name !== previous?.split('/')[0]) {
      rmSync(join(distDir, name), { recursive: true, force: true });
    }
  }
  return { ms: Date.now() - builtAtMs, files: inputs.length };
}

function existingEntry() {
  try {
    return JSON.parse(readFileSync(metaPath, 'utf8')).entry;
  } catch {
    return undefined;
  }
}

export class BuildFailed extends Error {
  constructor() {
    super(`could not build ${relative(root, bundlePath)}: the errors are listed above`);
  }
}

/**
 * In the bundle `import.meta.url` would be the chunk's URL for every file. A source that finds its
 * neighbours through it (db/open.ts the migrations, keys/document-assets.ts the fonts) gets its own
 * URL back, written relative to the build so the checkout can move.
 */
function sourceLocation(outdir) {
  return {
    name: 'source-location',
    setup(builder) {
      builder.onLoad({ filter: /\.tsx?$/ }, (args) => {
        if (args.path.split(sep).includes('node_modules')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const fromBuild = relative(outdir, args.path).split(sep).join('/');
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBuild)}, import.meta.url).href`),
          loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts',
        };
      });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { ms, files } = await build();
    console.log(`built ${relative(root, bundlePath)} from ${files} files in ${ms} ms`);
  } catch (error) {
    console.error(error instanceof BuildFailed ? error.message : error);
    process.exit(1);
  }
}
