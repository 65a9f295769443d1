import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

const fromRoot = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** The signup function's bundle: `npm run build` writes it and the stack deploys that same folder. */
export const createCustomerBundle = {
  entryPoint: fromRoot('functions/create-customer/index.ts'),
  outDir: fromRoot('dist/create-customer'),
  fileName: 'index.mjs',
  /** Lambda's `handler` setting: the export `handler` of `index.mjs`. */
  handler: 'index.handler',
  /** Read at run time from beside the module, so they ship next to it. */
  dataFiles: [
    fromRoot('functions/create-customer/common-passwords.txt.gz'),
    fromRoot('functions/create-customer/COMMON-PASSWORDS-LICENSE.txt'),
    fromRoot('functions/create-customer/transliterations.json.gz'),
  ],
  /** The budget for the JS: a small zip keeps the cold start short. */
  maxBytes: 800_000,
} as const;

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
} as const satisfies BuildOptions;
