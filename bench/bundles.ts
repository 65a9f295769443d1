import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { createCustomerBundle, esbuildOptions, sdkTrimmedForLambda } from '../lib/bundling.ts';

/** The deployed bundle, as `npm run build` wrote it: the benchmark measures that file, not a rebuild. */
export const deployedBundle = join(createCustomerBundle.outDir, createCustomerBundle.fileName);

const baselineEntry = fileURLToPath(new URL('./baseline-entry.ts', import.meta.url));

export interface BenchBundle {
  file: string;
  bytes: number;
  metafile: Metafile;
}

const bundle = async (entryPoint: string, outDir: string, extra: BuildOptions = {}): Promise<BenchBundle> => {
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, createCustomerBundle.fileName);
  const { metafile } = await build({
    ...esbuildOptions,
    ...extra,
    entryPoints: [entryPoint],
    outfile: file,
    metafile: true,
    logLevel: 'warning',
  });
  const output = metafile.outputs[Object.keys(metafile.outputs).find((path) => path.endsWith('.mjs')) ?? ''];
  return { file, bytes: output?.bytes ?? 0, metafile };
};

/** The cold-start baseline, built with the signup's own esbuild options. */
export const buildBaseline = (outDir: string): Promise<BenchBundle> => bundle(baselineEntry, outDir);

/**
 * The signup bundle again, with the same options plus a source map, next to its data files: the
 * init-time breakdown maps profile samples of the minified code back to the packages they came from.
 */
export const buildSignupWithSourceMap = async (outDir: string): Promise<BenchBundle> => {
  const built = await bundle(createCustomerBundle.entryPoint, outDir, {
    ...sdkTrimmedForLambda,
    sourcemap: 'external',
    sourcesContent: false,
  });
  await Promise.all(
    createCustomerBundle.dataFiles.map((dataFile) => copyFile(dataFile, join(outDir, basename(dataFile)))),
  );
  return built;
};

/** The package a bundled source file belongs to (`…/node_modules/@smithy/core/…`), or the project file itself. */
export const sourceGroup = (path: string): string => {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules?.[1]) return inModules[1];
  const inProject = /(?:^|\/)((?:functions|lib|bench)\/.+)$/.exec(path);
  return inProject?.[1] ?? path;
};

/** Bytes of the bundle's JS per package (or project file), largest first. */
export const bytesBySource = (metafile: Metafile): [string, number][] => {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const group = sourceGroup(path);
      totals.set(group, (totals.get(group) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
};
