import { build } from 'esbuild';

const entryPoint = new URL('./signup-form.ts', import.meta.url).pathname;

/** The page's script, bundled in memory (milliseconds, so a server can build it at start). */
export const bundleSignupForm = async (): Promise<string> => {
  const { outputFiles } = await build({
    entryPoints: [entryPoint],
    bundle: true,
    write: false,
    // Browsers of the last few years; no syntax is lowered beyond that.
    target: ['chrome111', 'firefox111', 'safari16'],
    format: 'esm',
    // Readable in the browser's tools: this is the local page, not a deployed one.
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  const [script] = outputFiles;
  if (script === undefined) throw new Error('esbuild wrote no bundle');
  return script.text;
};
