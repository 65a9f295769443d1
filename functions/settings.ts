import type { VerificationSettings } from './core/signup.ts';

/** The function's settings, read once at start-up; a missing or malformed one fails loudly. */
export interface Settings {
  tableName: string;
  bcryptCost: number;
  /** A DynamoDB-compatible endpoint to use instead of AWS's (the local store). */
  dynamodbEndpoint: string | undefined;
  corsOrigins: string[];
  /** `required`: a signup's account stays pending until its address is proven (the contract's issue 11). */
  emailVerification: 'off' | 'required';
  /** How long a pending account holds its address and slug. */
  verificationTtlSeconds: number;
  /** `on`: every valid signup is answered alike, whoever holds its address (needs verification required). */
  enumerationProtection: 'off' | 'on';
  /**
   * The secret links and the signup's Idempotency-Key records are keyed with: set whenever
   * verification is required, and always for the signup (`readSignupSettings`).
   */
  signupSecret: string | undefined;
}

/** The signup function's settings: the secret is always set, as it keys the Idempotency-Key records. */
export type SignupSettings = Settings & { signupSecret: string };

/** A setting that cannot work, named, with what to do: its message is the one line a person reads. */
export class SettingError extends Error {
  override name = 'SettingError';
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(message);
    this.setting = setting;
  }
}

/** A setting's value as a message quotes it: short enough that the message stays one line. */
export const quoted = (value: string | undefined): string =>
  JSON.stringify(value !== undefined && value.length > 40 ? `${value.slice(0, 40)}…` : value);

const DEFAULT_BCRYPT_COST = 12;
/** Two days: a pending account holds its address and slug this long. */
const DEFAULT_VERIFICATION_TTL_SECONDS = 172_800;
/** The token is an HMAC-SHA256 under this secret: at least its 256 bits' worth of characters. */
const MIN_SIGNUP_SECRET_LENGTH = 32;
/** DynamoDB's own rule for table names. */
const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

/** TABLE_NAME, which every function reads. */
export const readTableName = (environment: NodeJS.ProcessEnv): string => {
  const tableName = environment.TABLE_NAME;
  if (!tableName)
    throw new SettingError('TABLE_NAME', 'TABLE_NAME must be set: the name of the customers table');
  if (!TABLE_NAME_PATTERN.test(tableName)) {
    throw new SettingError(
      'TABLE_NAME',
      `TABLE_NAME=${quoted(tableName)} is a name DynamoDB refuses: use 3 to 255 letters, digits, '_', '-' or '.'`,
    );
  }
  return tableName;
};

/** SIGNUP_SECRET, which links are derived with; undefined when unset and not `required`. */
export const readSignupSecret = (environment: NodeJS.ProcessEnv, why?: string): string | undefined => {
  const signupSecret = environment.SIGNUP_SECRET || undefined;
  if (signupSecret === undefined && why !== undefined) {
    throw new SettingError(
      'SIGNUP_SECRET',
      `SIGNUP_SECRET must be set ${why}: a random text of at least ${MIN_SIGNUP_SECRET_LENGTH} characters`,
    );
  }
  // Never quoted: the message would show part of the secret.
  if (signupSecret !== undefined && signupSecret.length < MIN_SIGNUP_SECRET_LENGTH) {
    throw new SettingError(
      'SIGNUP_SECRET',
      `SIGNUP_SECRET is too short (${signupSecret.length} characters): use a random text of at least ${MIN_SIGNUP_SECRET_LENGTH}`,
    );
  }
  return signupSecret;
};

export const readSettings = (environment: NodeJS.ProcessEnv): Settings => {
  const tableName = readTableName(environment);
  const costText = environment.BCRYPT_COST ?? String(DEFAULT_BCRYPT_COST);
  const bcryptCost = Number(costText);
  // bcrypt accepts costs 4 to 31.
  if (!/^\d+$/.test(costText) || bcryptCost < 4 || bcryptCost > 31) {
    throw new SettingError(
      'BCRYPT_COST',
      `BCRYPT_COST=${quoted(environment.BCRYPT_COST)} is not a bcrypt cost: use an integer from 4 to 31 (default ${DEFAULT_BCRYPT_COST})`,
    );
  }
  const dynamodbEndpoint = environment.DYNAMODB_ENDPOINT || undefined;
  if (dynamodbEndpoint !== undefined && !/^https?:$/.test(URL.parse(dynamodbEndpoint)?.protocol ?? '')) {
    throw new SettingError(
      'DYNAMODB_ENDPOINT',
      `DYNAMODB_ENDPOINT=${quoted(dynamodbEndpoint)} is not a URL: write it with its scheme, such as http://localhost:8000`,
    );
  }
  return {
    tableName,
    bcryptCost,
    dynamodbEndpoint,
    ...readVerificationSettings(environment),
    corsOrigins: (environment.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
};

/** A setting that is one of a few words: its value, or the default when unset or empty. */
const readChoice = <T extends string>(
  environment: NodeJS.ProcessEnv,
  name: string,
  choices: readonly [T, ...T[]],
): T => {
  const value = environment[name] || choices[0];
  const choice = choices.find((candidate) => candidate === value);
  if (choice === undefined) {
    throw new SettingError(
      name,
      `${name}=${quoted(value)} is not a choice: use ${choices.join(' or ')} (default ${choices[0]})`,
    );
  }
  return choice;
};

const readVerificationSettings = (
  environment: NodeJS.ProcessEnv,
): Pick<
  Settings,
  'emailVerification' | 'verificationTtlSeconds' | 'enumerationProtection' | 'signupSecret'
> => {
  const emailVerification = readChoice(environment, 'EMAIL_VERIFICATION', ['off', 'required']);
  const ttlText = environment.VERIFICATION_TTL_SECONDS || String(DEFAULT_VERIFICATION_TTL_SECONDS);
  const verificationTtlSeconds = Number(ttlText);
  if (!/^\d+$/.test(ttlText) || !Number.isSafeInteger(verificationTtlSeconds) || verificationTtlSeconds < 1) {
    throw new SettingError(
      'VERIFICATION_TTL_SECONDS',
      `VERIFICATION_TTL_SECONDS=${quoted(ttlText)} is not a duration: use a positive whole number of seconds (default ${DEFAULT_VERIFICATION_TTL_SECONDS})`,
    );
  }
  const enumerationProtection = readChoice(environment, 'ENUMERATION_PROTECTION', ['off', 'on']);
  if (enumerationProtection === 'on' && emailVerification !== 'required') {
    throw new SettingError(
      'ENUMERATION_PROTECTION',
      'ENUMERATION_PROTECTION=on needs EMAIL_VERIFICATION=required: only a mail can tell the owner of a taken address',
    );
  }
  const signupSecret = readSignupSecret(
    environment,
    emailVerification === 'required' ? 'when EMAIL_VERIFICATION=required' : undefined,
  );
  return { emailVerification, verificationTtlSeconds, enumerationProtection, signupSecret };
};

/**
 * The signup function's settings. SIGNUP_SECRET is read first: without it, keyed requests would be
 * stored under values a table reader can test password guesses against.
 */
export const readSignupSettings = (environment: NodeJS.ProcessEnv): SignupSettings => {
  const signupSecret = readSignupSecret(
    environment,
    'for the signup, which keys its Idempotency-Key records with it',
  ) as string;
  return { ...readSettings(environment), signupSecret };
};

/** What the use cases read of the verification settings: nothing while verification is off. */
export const verificationSettingsOf = (settings: Settings): { verification?: VerificationSettings } => {
  if (settings.emailVerification === 'off') return {};
  if (settings.signupSecret === undefined) {
    throw new SettingError('SIGNUP_SECRET', 'SIGNUP_SECRET must be set when EMAIL_VERIFICATION=required');
  }
  return {
    verification: {
      secret: settings.signupSecret,
      ttlSeconds: settings.verificationTtlSeconds,
      enumerationProtection: settings.enumerationProtection === 'on',
    },
  };
};
