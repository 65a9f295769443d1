import { copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild, type Metafile } from 'esbuild';
import {
  bundlesDirectory,
  esbuildOptions,
  type FunctionName,
  filesReadAtRunTime,
  functionBundles,
  functionNames,
  hashingThread,
  noticeFiles,
  sdkTrimmedForLambda,
  thirdPartyLicensesFileName,
} from '../lib/bundling.ts';
import { type BundledPackage, bundledPackages, thirdPartyLicenses } from './third-party-licenses.ts';

const projectRoot = fileURLToPath(new URL('../', import.meta.url));

export interface BuiltBundle {
  outDir: string;
  file: string;
  bytes: number;
  /** The npm packages with code in the bundle, whose licences it ships. */
  packages: BundledPackage[];
}

/** The files esbuild put into a bundle, relative to the project's root (its working directory). */
const sourcesIn = (metafile: Metafile): Set<string> => new Set(Object.keys(metafile.inputs));

/** Bundles one function into `outDir` (its deployed folder unless told otherwise), with what it reads at run time. */
export const buildFunction = async (
  name: FunctionName,
  outDir: string = functionBundles[name].outDir,
): Promise<BuiltBundle> => {
  const bundle = functionBundles[name];
  // A clean folder: nothing left over from an earlier build gets deployed.
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, bundle.fileName);
  const { metafile } = await esbuild({
    ...esbuildOptions,
    ...sdkTrimmedForLambda,
    entryPoints: [bundle.entryPoint],
    outfile: file,
    absWorkingDir: projectRoot,
    // What went into the bundle: the licences of the packages it ships, and the files its modules read.
    metafile: true,
    logLevel: 'warning',
  });
  const sources = sourcesIn(metafile);
  const metafiles = [metafile];
  if (sources.has(hashingThread.startedBy)) {
    const worker = await esbuild({
      ...esbuildOptions,
      entryPoints: [hashingThread.entryPoint],
      outfile: join(outDir, hashingThread.fileName),
      absWorkingDir: projectRoot,
      metafile: true,
      logLevel: 'warning',
    });
    metafiles.push(worker.metafile);
  }
  const packages = bundledPackages(metafiles, projectRoot);
  const dataFiles = [
    ...filesReadAtRunTime.filter(({ readBy }) => sources.has(readBy)).flatMap(({ files }) => files),
    ...noticeFiles,
  ];
  await Promise.all([
    ...dataFiles.map((dataFile) => copyFile(dataFile, join(outDir, basename(dataFile)))),
    writeFile(join(outDir, thirdPartyLicensesFileName), thirdPartyLicenses(packages)),
  ]);
  const { size: bytes } = await stat(file);
  if (bytes > bundle.maxBytes) {
    throw new Error(`${file} is ${bytes} bytes, over the budget of ${bundle.maxBytes}`);
  }
  return { outDir, file, bytes, packages };
};

/** Bundles every function, each into a folder of its own under `directory` named after it. */
export const build = async (
  directory: string = bundlesDirectory,
): Promise<Record<FunctionName, BuiltBundle>> => {
  const built = await Promise.all(
    functionNames.map(async (name) => [name, await buildFunction(name, join(directory, name))] as const),
  );
  return Object.fromEntries(built) as Record<FunctionName, BuiltBundle>;
};

if (import.meta.main) {
  // stderr: `cdk synth` runs this build first and prints the template on stdout.
  for (const [name, { file, bytes }] of Object.entries(await build())) {
    const budget = functionBundles[name as FunctionName].maxBytes;
    console.error(`${file}: ${(bytes / 1000).toFixed(1)} kB (budget ${budget / 1000} kB)`);
  }
}
