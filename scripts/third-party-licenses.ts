/**
 * The npm packages esbuild put into a bundle, read from its metafile, and the text of their licences:
 * the bundle ships their code, so it ships their terms (`THIRD-PARTY-LICENSES.txt` beside it).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  /** The package's own licence file, if it ships one. */
  licenseText: string | undefined;
}

/** The innermost `node_modules/<name>` of an input path: nested copies count as their own package. */
const PACKAGE_DIR = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//;
const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;

/** A copyright line in a source file's header comment (middy states its copyright there, not in a file). */
const COPYRIGHT_COMMENT = /^\s*(?:\/\/|\*)\s*(Copyright .+)$/m;

const MIT_TERMS = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE.`;

interface Manifest {
  name: string;
  version: string;
  license?: string;
  licenses?: { type: string }[];
  main?: string;
}

/** MIT asks for its notice with every copy: for a package without a licence file, its terms with its copyright line. */
const mitNotice = (dir: string, manifest: Manifest): string | undefined => {
  const main = join(dir, manifest.main ?? 'index.js');
  const copyright = existsSync(main) ? COPYRIGHT_COMMENT.exec(readFileSync(main, 'utf8'))?.[1] : undefined;
  return copyright === undefined ? undefined : `MIT License\n\n${copyright}\n\n${MIT_TERMS}`;
};

const readPackage = (dir: string): BundledPackage => {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  const license = manifest.license ?? manifest.licenses?.map((entry) => entry.type).join(' OR ') ?? 'UNKNOWN';
  const licenseFile = readdirSync(dir).find((file) => LICENSE_FILE.test(file));
  return {
    name: manifest.name,
    version: manifest.version,
    license,
    licenseText:
      licenseFile !== undefined
        ? readFileSync(join(dir, licenseFile), 'utf8').trim()
        : license === 'MIT'
          ? mitNotice(dir, manifest)
          : undefined,
  };
};

/** Every package with code in the bundles, by name and version, from the project root's point of view. */
export const bundledPackages = (metafiles: readonly Metafile[], root: string): BundledPackage[] => {
  const dirs = new Set<string>();
  for (const metafile of metafiles) {
    for (const output of Object.values(metafile.outputs)) {
      for (const input of Object.keys(output.inputs)) {
        const dir = PACKAGE_DIR.exec(input)?.[1];
        if (dir !== undefined && existsSync(join(root, dir, 'package.json'))) dirs.add(dir);
      }
    }
  }
  const packages = new Map<string, BundledPackage>();
  for (const dir of dirs) {
    const bundled = readPackage(join(root, dir));
    packages.set(`${bundled.name}@${bundled.version}`, bundled);
  }
  return [...packages.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
};

/** The licences file: each package, its licence and the package's own licence text. */
export const thirdPartyLicenses = (packages: readonly BundledPackage[]): string =>
  `${[
    'The npm packages whose code is in index.mjs and bcrypt-worker.mjs, with their licences.',
    'NOTICE beside this file says what else ships here and under which terms.',
    ...packages.map((bundled) =>
      [
        `${'-'.repeat(100)}\n${bundled.name} ${bundled.version} (${bundled.license})`,
        bundled.licenseText ?? `The package ships no licence file; its package.json says ${bundled.license}.`,
      ].join('\n\n'),
    ),
  ].join('\n\n')}\n`;
