import { RemovalPolicy } from 'aws-cdk-lib';
import { type ILambdaDeploymentConfig, LambdaDeploymentConfig } from 'aws-cdk-lib/aws-codedeploy';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const stageNames = ['dev', 'prod'] as const;

/** A `-c` setting synth cannot use: `bin/app.ts` prints its message alone, as the one line to fix. */
export class SettingError extends Error {
  public override readonly name = 'SettingError';
}
export type StageName = (typeof stageNames)[number];

/** Every setting that differs between stages. */
export interface StageConfig {
  stage: StageName;
  /** Origins allowed to call the API from a browser (CORS). */
  corsOrigins: string[];
  /** API Gateway stage throttling: steady requests per second, and the burst above it. */
  throttling: { rateLimit: number; burstLimit: number };
  /** bcrypt's log2 work factor, passed to the function as BCRYPT_COST. */
  bcryptCost: number;
  /** How long the function's logs and the API's access logs are kept. */
  logRetention: RetentionDays;
  /** The WAF web ACL in front of the API stage; undefined: none. */
  webAcl: WebAclSettings | undefined;
  /** What deleting the stack does to the table and the log groups. */
  removalPolicy: RemovalPolicy;
  /** Whether DynamoDB refuses to delete the table at all. */
  deletionProtection: boolean;
  /** Concurrent executions kept for the function, which also caps them; undefined: none reserved. */
  reservedConcurrency: number | undefined;
  /** How CodeDeploy moves the API's traffic to a new version of the function. */
  deployment: ILambdaDeploymentConfig;
  /** One bcrypt hash at the stage's cost on one core (BENCHMARKS.md), drawn beside the latency on the dashboard. */
  hashMilliseconds: number;
  /** The API's p99 latency above which a signup is slower than its hash, a cold start and the store explain. */
  latencyP99AlarmMilliseconds: number;
  /** `required`: a signup is pending until its address is proven (EMAIL_VERIFICATION). */
  emailVerification: EmailVerification;
  /** `on`: every valid signup answers 202 alike (ENUMERATION_PROTECTION); needs verification required. */
  enumerationProtection: EnumerationProtection;
  /** How long a pending account holds its address and slug (VERIFICATION_TTL_SECONDS). */
  verificationTtlSeconds: number;
  /** The sender of the verification mails; its domain is the SES identity the stack verifies (DKIM). */
  mailFrom: string;
  /** The page that finishes verification: the mail links to it with `#token=…` (VERIFY_URL). */
  verifyUrl: string;
  /** The resend route's own throttling, below the stage's: each accepted resend may send a mail. */
  resendThrottling: { rateLimit: number; burstLimit: number };
  /** Concurrent executions kept for each of the verify and resend functions; undefined: none reserved. */
  verificationReservedConcurrency: number | undefined;
  /** How long the event bus's archive keeps the customer events, to replay them to a new consumer. */
  eventArchiveRetentionDays: number;
}

export const emailVerificationModes = ['off', 'required'] as const;
export type EmailVerification = (typeof emailVerificationModes)[number];
export const enumerationProtectionModes = ['off', 'on'] as const;
export type EnumerationProtection = (typeof enumerationProtectionModes)[number];

export interface WebAclSettings {
  /** The rate-based rule: at most `limit` requests per client IP in `windowSeconds`, then 429. */
  rateLimitPerIp: { limit: number; windowSeconds: 60 | 120 | 300 | 600 };
  /** How long WAF's request logs are kept. */
  logRetention: RetentionDays;
  /** More requests than this blocked in 5 minutes wakes someone: an attack or a rule blocking customers. */
  blockedRequestsAlarm: number;
  /** More account-creation fraud verdicts (blocked, challenged, counted) than this in 5 minutes wakes someone. */
  fraudVerdictsAlarm: number;
}

export const stageConfigs: Record<StageName, StageConfig> = {
  dev: {
    stage: 'dev',
    corsOrigins: ['http://localhost:3000', 'http://localhost:5173'],
    throttling: { rateLimit: 10, burstLimit: 20 },
    // A quarter of prod's hashing time, still a real bcrypt cost.
    bcryptCost: 10,
    logRetention: RetentionDays.ONE_WEEK,
    // Gateway throttling is enough for a stage nobody outside uses; a web ACL costs a monthly fee.
    webAcl: undefined,
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    // New accounts have 10 concurrent executions and Lambda keeps 10 unreserved: any reservation fails there.
    reservedConcurrency: undefined,
    // Nobody outside uses dev: a bad version is found by its smoke test, not by a share of its traffic.
    deployment: LambdaDeploymentConfig.ALL_AT_ONCE,
    hashMilliseconds: 70,
    // A cost-10 hash, a cold start and a few store round trips stay well under a second.
    latencyP99AlarmMilliseconds: 1000,
    emailVerification: 'required',
    // Dev answers who has an account, which the tests and the people trying the page want to see.
    enumerationProtection: 'off',
    verificationTtlSeconds: 172_800,
    mailFrom: 'no-reply@dev.example.com',
    verifyUrl: 'http://localhost:5173/verify',
    resendThrottling: { rateLimit: 1, burstLimit: 5 },
    verificationReservedConcurrency: undefined,
    eventArchiveRetentionDays: 7,
  },
  prod: {
    stage: 'prod',
    corsOrigins: ['https://www.example.com', 'https://example.com'],
    // One function instance hashes a few passwords a second at cost 12, so this matches the reserved concurrency.
    throttling: { rateLimit: 50, burstLimit: 100 },
    bcryptCost: 12,
    logRetention: RetentionDays.THREE_MONTHS,
    webAcl: {
      // A person signs up once; 100 signups from one address in 5 minutes is a script.
      rateLimitPerIp: { limit: 100, windowSeconds: 300 },
      // As long as the function's logs: a fraud wave is looked into with both.
      logRetention: RetentionDays.THREE_MONTHS,
      // One client over the rate limit gets a few hundred requests blocked in 5 minutes; more is an attack,
      // or a rule blocking customers.
      blockedRequestsAlarm: 500,
      // Ten suspect signups a minute is a campaign, not a stray bot.
      fraudVerdictsAlarm: 50,
    },
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    // Bounds the bill and the table's write rate when someone floods the endpoint with bcrypt work.
    reservedConcurrency: 50,
    // A tenth of the signups meet a new version for 5 minutes; the alarms that would roll it back get
    // that long to see it.
    deployment: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
    hashMilliseconds: 270,
    // A cost-12 hash (about 0.27 s), a cold start and the store's round trips stay under 1.5 s.
    latencyP99AlarmMilliseconds: 1500,
    emailVerification: 'required',
    enumerationProtection: 'on',
    // The contract's default: two days to open the mail.
    verificationTtlSeconds: 172_800,
    mailFrom: 'no-reply@example.com',
    verifyUrl: 'https://www.example.com/verify',
    // A person resends once a minute at most (the store refuses more); this bounds a script's mail volume.
    resendThrottling: { rateLimit: 5, burstLimit: 10 },
    // Verify hashes like the signup does; resend is cheap. Bounded so a flood cannot take the signup's share.
    verificationReservedConcurrency: 10,
    // A year of signups to replay into a consumer added later (a CRM, analytics).
    eventArchiveRetentionDays: 365,
  },
};

const isStageName = (name: unknown): name is StageName => stageNames.some((stage) => stage === name);

/** The settings of the stage named by `-c stage=…`; an unknown name stops the synth. */
export const stageConfig = (name: unknown): StageConfig => {
  if (!isStageName(name)) {
    throw new SettingError(`Unknown stage ${JSON.stringify(name)}: use -c stage=${stageNames.join('|')}`);
  }
  return stageConfigs[name];
};

/**
 * The origins of `-c corsOrigins=https://shop.example.com,https://example.com`, which replace the
 * stage's own (a team deploys its shop's origins without editing this file); undefined without it.
 * Each must be a bare http(s) origin, as browsers send it in `Origin`: no path, no trailing slash.
 */
export const corsOriginsFromContext = (value: unknown): string[] | undefined => {
  if (value === undefined) return undefined;
  const origins = typeof value === 'string' ? value.split(',').map((origin) => origin.trim()) : [];
  if (origins.length === 0 || origins.includes('')) {
    throw new SettingError(`-c corsOrigins=${JSON.stringify(value)}: give comma-separated origins`);
  }
  for (const origin of origins) {
    const parsed = URL.parse(origin);
    if (parsed === null || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new SettingError(`-c corsOrigins: ${origin} is not an origin such as https://shop.example.com`);
    }
  }
  return origins;
};

/**
 * The address of `-c alarmEmail=oncall@example.com`, subscribed to the stage's alarm topic; undefined
 * without it. One address, as AWS SNS takes it: AWS mails it a confirmation link first.
 */
export const alarmEmailFromContext = (value: unknown): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(value)) {
    throw new SettingError(
      `-c alarmEmail=${JSON.stringify(value)}: give one e-mail address such as oncall@example.com`,
    );
  }
  return value;
};

/** The domain part of an address: the SES identity mails from it are signed for. */
export const mailDomain = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

const oneOf = <T extends string>(setting: string, modes: readonly T[], value: unknown): T => {
  const mode = modes.find((candidate) => candidate === value);
  if (mode === undefined) {
    throw new SettingError(`-c ${setting}=${JSON.stringify(value)}: use ${modes.join(' or ')}`);
  }
  return mode;
};

/**
 * The stage's verification settings with `-c emailVerification=…`, `-c enumerationProtection=…`,
 * `-c mailFrom=…` and `-c verifyUrl=…` in place of its own; each refused in one line when the
 * functions would refuse it (or, for the sender and the link, when no mail could work).
 */
export const verificationFromContext = (
  config: StageConfig,
  context: (key: string) => unknown,
): Pick<StageConfig, 'emailVerification' | 'enumerationProtection' | 'mailFrom' | 'verifyUrl'> => {
  const emailVerification =
    context('emailVerification') === undefined
      ? config.emailVerification
      : oneOf('emailVerification', emailVerificationModes, context('emailVerification'));
  const enumerationProtection =
    context('enumerationProtection') === undefined
      ? config.enumerationProtection
      : oneOf('enumerationProtection', enumerationProtectionModes, context('enumerationProtection'));
  if (enumerationProtection === 'on' && emailVerification !== 'required') {
    throw new SettingError(
      '-c enumerationProtection=on needs -c emailVerification=required: the owner of a taken address is told by mail',
    );
  }
  const mailFrom = context('mailFrom') ?? config.mailFrom;
  if (typeof mailFrom !== 'string' || !/^[^@\s,<>"]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i.test(mailFrom)) {
    throw new SettingError(
      `-c mailFrom=${JSON.stringify(mailFrom)}: give the sender's address such as no-reply@shop.example.com`,
    );
  }
  const verifyUrl = context('verifyUrl') ?? config.verifyUrl;
  const parsed = typeof verifyUrl === 'string' ? URL.parse(verifyUrl) : null;
  // The link carries the token: in clear only to a page on the developer's own machine.
  const local = parsed !== null && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  const scheme = local ? /^https?:$/ : /^https:$/;
  if (parsed === null || !scheme.test(parsed.protocol) || parsed.hash !== '' || parsed.search !== '') {
    throw new SettingError(
      `-c verifyUrl=${JSON.stringify(verifyUrl)}: give the verification page's https URL such as https://shop.example.com/verify, without a query or #`,
    );
  }
  return { emailVerification, enumerationProtection, mailFrom, verifyUrl: String(verifyUrl) };
};
