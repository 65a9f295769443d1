import { readFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sourceGroup } from './bundles.ts';
import { runDriver } from './cold-start.ts';
import { round } from './stats.ts';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  /** Microseconds before each sample. */
  timeDeltas: number[];
}

/** What V8 calls the time it spends outside any JavaScript function. */
const V8_PSEUDO_FRAMES: Record<string, string> = {
  '(program)': 'V8: compiling, native code',
  '(garbage collector)': 'V8: garbage collection',
  '(idle)': 'idle: waiting for I/O',
  '(root)': 'V8: compiling, native code',
};

/** The AWS SDK's packages, summed in one row besides their own. */
const isSdkPackage = (group: string): boolean => /^@(aws-sdk|smithy|aws-crypto|aws)\//.test(group);

export interface InitBreakdown {
  runs: number;
  /** Mean milliseconds of CPU-profile samples per package or project file over a whole cold start. */
  byGroup: { group: string; ms: number }[];
  /** The AWS SDK's packages together. */
  awsSdkMs: number;
  /** Our own code (functions/, lib/) together. */
  projectMs: number;
  totalMs: number;
}

/**
 * Where a cold start's time goes, by the package each piece of code came from: the bundle runs with
 * a source map under V8's sampling profiler (every 100 µs), and every sample in the minified code is
 * mapped back to its source file. Node's own start-up and V8's compiling and collecting keep rows
 * of their own, so the rows add up to the whole cold start.
 */
export const measureInitBreakdown = async ({
  bundle,
  runs,
  environment,
  profileDir,
}: {
  bundle: string;
  runs: number;
  environment: Record<string, string>;
  profileDir: string;
}): Promise<InitBreakdown> => {
  const sourceMap = new SourceMap(JSON.parse(await readFile(`${bundle}.map`, 'utf8')) as SourceMapPayload);
  const bundleUrl = pathToFileURL(bundle).href;
  const groupOf = (frame: CpuProfileNode['callFrame']): string => {
    const pseudo = V8_PSEUDO_FRAMES[frame.functionName];
    if (frame.url === '' && pseudo !== undefined) return pseudo;
    if (frame.url === bundleUrl) {
      const entry = sourceMap.findEntry(frame.lineNumber, frame.columnNumber);
      // The bundle's own top level, where esbuild hoists every module's top-level statements, has one
      // frame for all of them: no single source to name.
      return 'originalSource' in entry
        ? sourceGroup(entry.originalSource)
        : 'bundle: top-level code of its modules';
    }
    if (frame.url.startsWith('node:internal/modules/'))
      return 'Node.js: module loader (reads, compiles the bundle)';
    if (frame.url === 'node:internal/bootstrap/realm') return 'Node.js: loading built-in modules';
    if (frame.url.startsWith('node:') || frame.url === '') return 'Node.js: start-up, built-ins at work';
    return 'benchmark driver';
  };

  const totals = new Map<string, number>();
  for (let run = 0; run < runs; run++) {
    const name = `cold-start-${run}.cpuprofile`;
    await runDriver(bundle, environment, [
      '--cpu-prof',
      `--cpu-prof-dir=${profileDir}`,
      `--cpu-prof-name=${name}`,
      '--cpu-prof-interval=100',
    ]);
    const profile = JSON.parse(await readFile(join(profileDir, name), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, index) => {
      const node = nodes.get(id);
      if (node === undefined) return;
      const group = groupOf(node.callFrame);
      totals.set(group, (totals.get(group) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000 / runs);
    });
  }
  const byGroup = [...totals].map(([group, ms]) => ({ group, ms: round(ms, 2) })).sort((a, b) => b.ms - a.ms);
  const sum = (predicate: (group: string) => boolean) =>
    round(
      byGroup.filter(({ group }) => predicate(group)).reduce((total, { ms }) => total + ms, 0),
      2,
    );
  return {
    runs,
    byGroup,
    awsSdkMs: sum(isSdkPackage),
    projectMs: sum((group) => group.startsWith('functions/') || group.startsWith('lib/')),
    totalMs: sum(() => true),
  };
};
