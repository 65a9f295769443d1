import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

const fromRoot = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Where `npm run build` writes one folder per function, each deployed as it is. */
export const bundlesDirectory = fromRoot('dist');

export const functionNames = [
  'create-customer',
  'verify-customer',
  'resend-verification',
  'customer-changes',
] as const;
export type FunctionName = (typeof functionNames)[number];

/** One function's bundle: its own module, so each cold start loads only what its function runs. */
export interface FunctionBundle {
  entryPoint: string;
  outDir: string;
  fileName: 'index.mjs';
  /** Lambda's `handler` setting: the export `handler` of `index.mjs`. */
  handler: 'index.handler';
  /** The issue's budget for the JS: a small zip keeps the cold start short. */
  maxBytes: number;
}

const functionBundle = (name: FunctionName): FunctionBundle => ({
  entryPoint: fromRoot(`functions/${name}/index.ts`),
  outDir: fromRoot(`dist/${name}`),
  fileName: 'index.mjs',
  handler: 'index.handler',
  maxBytes: 800_000,
});

export const functionBundles: Record<FunctionName, FunctionBundle> = {
  'create-customer': functionBundle('create-customer'),
  'verify-customer': functionBundle('verify-customer'),
  'resend-verification': functionBundle('resend-verification'),
  'customer-changes': functionBundle('customer-changes'),
};

/**
 * Files a module reads from beside the bundle at run time (through `import.meta.url`), each with its
 * terms: a bundle ships them when that module is in it, so no function carries another's data.
 */
export const filesReadAtRunTime = [
  {
    readBy: 'functions/passwords/common-passwords.ts',
    files: [
      fromRoot('functions/passwords/common-passwords.txt'),
      fromRoot('functions/passwords/COMMON-PASSWORDS-LICENSE.txt'),
    ],
  },
  {
    readBy: 'functions/core/rules/transliterations.ts',
    files: [
      fromRoot('functions/core/rules/transliterations.json.gz'),
      fromRoot('functions/core/rules/TRANSLITERATIONS-LICENSE.txt'),
    ],
  },
  {
    readBy: 'functions/core/rules/case-folding.ts',
    files: [
      fromRoot('functions/core/rules/case-folding.json'),
      fromRoot('functions/core/rules/CASE-FOLDING-LICENSE.txt'),
    ],
  },
] as const;

/** What ships in every bundle: what is in it and under which terms, and the project's own licence. */
export const noticeFiles = [fromRoot('NOTICE'), fromRoot('LICENSE')] as const;

/** The thread that hashes and checks passwords, started from beside the module by the module named here. */
export const hashingThread = {
  startedBy: 'functions/passwords/bcrypt-hasher.ts',
  entryPoint: fromRoot('functions/passwords/bcrypt-worker.ts'),
  fileName: 'bcrypt-worker.mjs',
} as const;

/** Written by the build: the licences of the npm packages bundled into a function's modules. */
export const thirdPartyLicensesFileName = 'THIRD-PARTY-LICENSES.txt';

/** The signup function's bundle, which reads every data file and hashes on its thread. */
export const createCustomerBundle = {
  ...functionBundles['create-customer'],
  workerEntryPoint: hashingThread.entryPoint,
  workerFileName: hashingThread.fileName,
  dataFiles: [...filesReadAtRunTime.flatMap(({ files }) => files), ...noticeFiles],
  thirdPartyLicensesFileName,
} as const;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `node:http` and `http` alike, except the modules Node only knows by their `node:` name. */
const builtinSpecifier = new RegExp(
  `^(?:${builtinModules
    .map((name) => (name.startsWith('node:') ? escapeRegExp(name) : `(?:node:)?${escapeRegExp(name)}`))
    .join('|')})$`,
);

/**
 * Built-in modules taken with `process.getBuiltinModule()`, never with `import`: importing a built-in
 * makes Node build an ES-module facade that reads every export, getters included, and `node:http`'s
 * `WebSocket` getter alone loads undici, about 15 ms of a cold start (`process`, `util`, `fs`: a few
 * ms more). Through esbuild's CommonJS interop, each export is read only where the code reads it.
 */
const builtinsWithoutFacades: Plugin = {
  name: 'builtins-without-facades',
  setup(build) {
    build.onResolve({ filter: builtinSpecifier }, ({ path }) => ({
      path: path.startsWith('node:') ? path : `node:${path}`,
      namespace: 'node-builtin',
    }));
    build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, ({ path }) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(path)});`,
      loader: 'js',
    }));
  },
};

/**
 * What the function's bundle leaves out of the AWS SDK, on top of `esbuildOptions`: in Lambda the
 * credentials are in the environment, so the default chain becomes `fromEnv`
 * (`functions/dynamodb/lambda-credentials.ts`). Kept apart from the options because the
 * benchmark's baseline, the SDK alone, is bundled with the options but gets the SDK as it comes.
 */
export const sdkTrimmedForLambda = {
  alias: { '@aws-sdk/credential-provider-node': fromRoot('functions/dynamodb/lambda-credentials.ts') },
} as const satisfies BuildOptions;

/** The esbuild options of the function's bundle, each with its reason. */
export const esbuildOptions = {
  // One file: the zip carries no node_modules.
  bundle: true,
  // Node built-ins stay imports, not polyfills.
  platform: 'node',
  // The handler reads its data files through import.meta.url, which only ES modules have.
  format: 'esm',
  // The Lambda runtime, nodejs24.x: nothing is down-levelled.
  target: 'node24',
  // A smaller file to load and parse on a cold start.
  minify: true,
  // The AWS SDK is bundled too: the version the tests ran, tree-shaken, not the runtime's copy.
  external: [],
  // Prefer the ES module builds of dependencies, which tree-shake.
  mainFields: ['module', 'main'],
  // Transliteration tables stay UTF-8 instead of growing into \u escapes.
  charset: 'utf8',
  // The licence notices of bundled packages stay with their code, gathered at the end of the file.
  legalComments: 'eof',
  // No source map: Node ignores it unless --enable-source-maps, which slows every stack trace.
  sourcemap: false,
  plugins: [builtinsWithoutFacades],
} as const satisfies BuildOptions;
