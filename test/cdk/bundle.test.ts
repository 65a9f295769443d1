import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCustomerBundle, functionBundles, functionNames } from '../../lib/bundling.ts';
import { type BuiltBundle, build, buildFunction } from '../../scripts/build.ts';
import { useEmbeddedTable } from '../support/dynalite.ts';

const db = await useEmbeddedTable({ freshTablePerTest: true });

let bundle: BuiltBundle;

/** NOTICE names each bundled package under its licence, and the licences file carries each one's text. */
const expectNoticesOf = async (built: BuiltBundle): Promise<void> => {
  const notice = await readFile(join(built.outDir, 'NOTICE'), 'utf8');
  const licenses = await readFile(
    join(built.outDir, createCustomerBundle.thirdPartyLicensesFileName),
    'utf8',
  );
  // NOTICE's list: a licence, then the packages under it, up to the next licence.
  const listed = new Map<string, string>();
  let license = '';
  for (const line of notice.slice(notice.indexOf('npm packages bundled')).split('\n').slice(2)) {
    license = /^(\S+)\s{2,}/.exec(line)?.[1] ?? license;
    for (const name of line.matchAll(/(?:@[\w.-]+\/)?[\w.-]+(?=,|;|$)/g)) listed.set(name[0], license);
  }
  for (const bundled of built.packages) {
    expect(listed.get(bundled.name), bundled.name).toBe(bundled.license);
    expect(licenses).toContain(`${bundled.name} ${bundled.version} (${bundled.license})`);
    // MIT-0 is the one licence that asks for no notice.
    if (bundled.license !== 'MIT-0') expect(bundled.licenseText, bundled.name).toBeDefined();
  }
};

beforeAll(async () => {
  // Outside the repository, so nothing can be resolved from its node_modules.
  bundle = await buildFunction('create-customer', await mkdtemp(join(tmpdir(), 'create-customer-')));
}, 60_000);

describe('npm run build', () => {
  it(`writes ${createCustomerBundle.fileName} within ${createCustomerBundle.maxBytes / 1000} kB`, () => {
    expect(basename(bundle.file)).toBe('index.mjs');
    expect(bundle.bytes).toBeLessThanOrEqual(createCustomerBundle.maxBytes);
  });

  it('puts the hashing thread, the data files, their licences and the notices beside it, and nothing else', async () => {
    const expected = [
      'index.mjs',
      createCustomerBundle.workerFileName,
      createCustomerBundle.thirdPartyLicensesFileName,
      ...createCustomerBundle.dataFiles.map((file) => basename(file)),
    ];
    expect((await readdir(bundle.outDir)).sort()).toEqual(expected.sort());
    for (const dataFile of createCustomerBundle.dataFiles) {
      const copy = await readFile(join(bundle.outDir, basename(dataFile)));
      expect(copy.equals(await readFile(dataFile))).toBe(true);
    }
  });

  it('names every npm package it bundles in NOTICE, under its licence, and ships each licence text', async () => {
    expect(bundle.packages.length).toBeGreaterThan(20);
    await expectNoticesOf(bundle);
  });

  it('is one self-contained ES module that Node 24 loads without node_modules', async () => {
    const script = `const { handler } = await import(${JSON.stringify(bundle.file)}); console.log(typeof handler);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: bundle.outDir,
      env: {
        PATH: process.env.PATH,
        TABLE_NAME: 'customers',
        SIGNUP_SECRET: 'k'.repeat(64),
        AWS_REGION: 'us-east-1',
      },
    });
    expect(stdout.trim()).toBe('function');
  });

  /** Runs the bundle in a process of its own with only `environment`, and answers the contract's example. */
  const signUpWithBundle = async (environment: Record<string, string>, email?: string) => {
    const example = JSON.parse(
      await readFile(new URL('../../events/create-customer.json', import.meta.url), 'utf8'),
    ) as { body: string };
    if (email !== undefined) example.body = JSON.stringify({ ...JSON.parse(example.body), email });
    const event = JSON.stringify(example);
    const script = `
      const { handler } = await import(${JSON.stringify(bundle.file)});
      const context = { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 10_000 };
      const answer = await handler(${event}, context);
      console.log(JSON.stringify({ statusCode: answer.statusCode, body: JSON.parse(answer.body) }));`;
    // A file in the bundle's folder rather than --eval: the hashing thread inherits the process's flags.
    const file = join(bundle.outDir, 'signup-once.test.mjs');
    await writeFile(file, script);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [file], {
        cwd: bundle.outDir,
        env: {
          PATH: process.env.PATH,
          TABLE_NAME: db.tableName,
          BCRYPT_COST: '4',
          SIGNUP_SECRET: 'k'.repeat(64),
          ...environment,
        },
        timeout: 20_000,
      });
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { statusCode: number; body: unknown };
    } finally {
      await rm(file);
    }
  };

  const storedPassword = async () => {
    const { Item } = await db.documentClient.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: 'customer#john@example.com' } }),
    );
    return String(Item?.password).slice('bcrypt$'.length);
  };

  it('signs a customer up on its own, hashing the password on the bundled thread beside it', async () => {
    const answer = await signUpWithBundle({ DYNAMODB_ENDPOINT: db.endpoint });

    expect(answer).toEqual({ statusCode: 201, body: expect.objectContaining({ slug: 'john-doe' }) });
    expect(await bcrypt.compare('SecureP@ssw0rd123', await storedPassword())).toBe(true);
  });

  it('folds a non-ASCII address with the case folding table beside it', async () => {
    const answer = await signUpWithBundle({ DYNAMODB_ENDPOINT: db.endpoint }, '\u017fohn@example.com');
    const { Item } = await db.documentClient.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: 'customer#sohn@example.com' } }),
    );

    expect(answer).toEqual({
      statusCode: 201,
      body: expect.objectContaining({ email: '\u017fohn@example.com' }),
    });
    expect(Item?.email).toBe('\u017fohn@example.com');
  });

  it('takes its AWS credentials from the environment, as Lambda gives them, and carries no other provider', async () => {
    // The SDK's own setting for another DynamoDB endpoint: the function then runs as in AWS, DYNAMODB_ENDPOINT unset.
    const inAws = { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: db.endpoint };
    const credentials = {
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      AWS_SESSION_TOKEN: 'example-session-token',
    };

    const without = await signUpWithBundle(inAws);
    const withCredentials = await signUpWithBundle({ ...inAws, ...credentials });

    expect(without).toEqual({ statusCode: 500, body: { detail: 'A server error occurred.' } });
    expect(withCredentials).toEqual({ statusCode: 201, body: expect.objectContaining({ slug: 'john-doe' }) });
    const source = await readFile(bundle.file, 'utf8');
    for (const otherProvider of [
      'AssumeRoleWithWebIdentity',
      'GetRoleCredentials',
      'AWS_CONTAINER_CREDENTIALS',
    ]) {
      expect(source).not.toContain(otherProvider);
    }
  });

  it('is minified, and never falls back on require(), which an ES module does not have', async () => {
    const source = await readFile(bundle.file, 'utf8');
    // A few long lines rather than one per statement.
    expect(source.split('\n').length).toBeLessThan(100);
    // esbuild's stand-in for a require() it could not bundle throws this when called.
    expect(source).not.toContain('Dynamic require of');
  });
});

describe('npm run build, every function', () => {
  let bundles: Record<(typeof functionNames)[number], BuiltBundle>;

  beforeAll(async () => {
    bundles = await build(await mkdtemp(join(tmpdir(), 'bundles-')));
  }, 120_000);

  it.each(functionNames)('bundles %s into a folder of its own, within its budget', (name) => {
    expect(basename(bundles[name].outDir)).toBe(name);
    expect(bundles[name].bytes).toBeLessThanOrEqual(functionBundles[name].maxBytes);
  });

  it.each(functionNames)(
    '%s loads in Node 24 without node_modules, with what it reads at start-up beside it',
    async (name) => {
      const { file, outDir } = bundles[name];
      const script = `const { handler } = await import(${JSON.stringify(file)}); console.log(typeof handler);`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        cwd: outDir,
        // Every setting a function may read at start-up, as the stack sets them.
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          TABLE_NAME: 'customers',
          EMAIL_VERIFICATION: 'required',
          VERIFICATION_TTL_SECONDS: '172800',
          SIGNUP_SECRET: 'k'.repeat(64),
          MAIL_FROM: 'no-reply@example.com',
          VERIFY_URL: 'https://www.example.com/verify',
          SES_CONFIGURATION_SET: 'customer-signup-mail',
          EVENT_BUS_NAME: 'customer-signup-customers',
        },
      });
      expect(stdout.trim()).toBe('function');
    },
  );

  it.each(functionNames)(
    '%s names every npm package it bundles in NOTICE and ships its licence',
    async (name) => {
      expect(await readdir(bundles[name].outDir)).toEqual(
        expect.arrayContaining(['NOTICE', 'LICENSE', createCustomerBundle.thirdPartyLicensesFileName]),
      );
      await expectNoticesOf(bundles[name]);
    },
  );
});
