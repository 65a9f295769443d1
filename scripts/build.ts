import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { build as esbuild } from 'esbuild';
import { createCustomerBundle, esbuildOptions, sdkTrimmedForLambda } from '../lib/bundling.ts';

export interface BuiltBundle {
  outDir: string;
  file: string;
  bytes: number;
}

/** Bundles the signup function into `outDir` (the deployed folder unless told otherwise). */
export const build = async (outDir: string = createCustomerBundle.outDir): Promise<BuiltBundle> => {
  // A clean folder: nothing left over from an earlier build gets deployed.
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, createCustomerBundle.fileName);
  await Promise.all([
    esbuild({
      ...esbuildOptions,
      ...sdkTrimmedForLambda,
      entryPoints: [createCustomerBundle.entryPoint],
      outfile: file,
      logLevel: 'warning',
    }),
    esbuild({
      ...esbuildOptions,
      entryPoints: [createCustomerBundle.workerEntryPoint],
      outfile: join(outDir, createCustomerBundle.workerFileName),
      logLevel: 'warning',
    }),
  ]);
  await Promise.all(
    createCustomerBundle.dataFiles.map((dataFile) => copyFile(dataFile, join(outDir, basename(dataFile)))),
  );
  const { size: bytes } = await stat(file);
  if (bytes > createCustomerBundle.maxBytes) {
    throw new Error(`${file} is ${bytes} bytes, over the budget of ${createCustomerBundle.maxBytes}`);
  }
  return { outDir, file, bytes };
};

if (import.meta.main) {
  const { file, bytes } = await build();
  // stderr: `cdk synth` runs this build first and prints the template on stdout.
  console.error(
    `${file}: ${(bytes / 1000).toFixed(1)} kB (budget ${createCustomerBundle.maxBytes / 1000} kB)`,
  );
}
