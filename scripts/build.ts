import { copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { createCustomerBundle, esbuildOptions, sdkTrimmedForLambda } from '../lib/bundling.ts';
import { type BundledPackage, bundledPackages, thirdPartyLicenses } from './third-party-licenses.ts';

const projectRoot = fileURLToPath(new URL('../', import.meta.url));

export interface BuiltBundle {
  outDir: string;
  file: string;
  bytes: number;
  /** The npm packages with code in the bundle, whose licences it ships. */
  packages: BundledPackage[];
}

/** Bundles the signup function into `outDir` (the deployed folder unless told otherwise). */
export const build = async (outDir: string = createCustomerBundle.outDir): Promise<BuiltBundle> => {
  // A clean folder: nothing left over from an earlier build gets deployed.
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, createCustomerBundle.fileName);
  const bundles = await Promise.all([
    esbuild({
      ...esbuildOptions,
      ...sdkTrimmedForLambda,
      entryPoints: [createCustomerBundle.entryPoint],
      outfile: file,
      // What went into the bundle, for the licences of the packages it ships.
      metafile: true,
      logLevel: 'warning',
    }),
    esbuild({
      ...esbuildOptions,
      entryPoints: [createCustomerBundle.workerEntryPoint],
      outfile: join(outDir, createCustomerBundle.workerFileName),
      metafile: true,
      logLevel: 'warning',
    }),
  ]);
  const packages = bundledPackages(
    bundles.map((bundle) => bundle.metafile),
    projectRoot,
  );
  await Promise.all([
    ...createCustomerBundle.dataFiles.map((dataFile) => copyFile(dataFile, join(outDir, basename(dataFile)))),
    writeFile(join(outDir, createCustomerBundle.thirdPartyLicensesFileName), thirdPartyLicenses(packages)),
  ]);
  const { size: bytes } = await stat(file);
  if (bytes > createCustomerBundle.maxBytes) {
    throw new Error(`${file} is ${bytes} bytes, over the budget of ${createCustomerBundle.maxBytes}`);
  }
  return { outDir, file, bytes, packages };
};

if (import.meta.main) {
  const { file, bytes } = await build();
  // stderr: `cdk synth` runs this build first and prints the template on stdout.
  console.error(
    `${file}: ${(bytes / 1000).toFixed(1)} kB (budget ${createCustomerBundle.maxBytes / 1000} kB)`,
  );
}
