import { quoted, readSignupSecret, readTableName, SettingError } from '../settings.ts';

/** The settings of the function that sends mails and publishes events from the table's changes. */
export interface MailSettings {
  tableName: string;
  /** The secret the link's token is derived with: the signup's own. */
  signupSecret: string;
  /** An SES-compatible endpoint to use instead of AWS's (the local inbox). */
  sesEndpoint: string | undefined;
  /** The sender: `Name <address>` or an address. */
  mailFrom: string;
  /** The page that finishes verification: the link is `<VERIFY_URL>#token=<token>`. */
  verifyUrl: string;
  sesConfigurationSet: string | undefined;
  /** The EventBridge bus the customer events go to (default: the account's default bus). */
  eventBusName: string;
  /** A DynamoDB-compatible endpoint to use instead of AWS's (the local store). */
  dynamodbEndpoint: string | undefined;
}

/** `Name <local@domain>` or `local@domain`, on one line: SES takes either. */
const MAIL_FROM_PATTERN = /^(?:[^\r\n<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;
/** SES's rule for configuration set names. */
const CONFIGURATION_SET_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** EventBridge's rule for bus names (a name or an ARN). */
const EVENT_BUS_PATTERN = /^[/.\-_A-Za-z0-9:]{1,1600}$/;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const required = (environment: NodeJS.ProcessEnv, name: string, what: string): string => {
  const value = environment[name];
  if (!value) throw new SettingError(name, `${name} must be set: ${what}`);
  return value;
};

const readEndpoint = (environment: NodeJS.ProcessEnv, name: string, example: string): string | undefined => {
  const endpoint = environment[name] || undefined;
  if (endpoint !== undefined && !/^https?:$/.test(URL.parse(endpoint)?.protocol ?? '')) {
    throw new SettingError(
      name,
      `${name}=${quoted(endpoint)} is not a URL: write it with its scheme, such as ${example}`,
    );
  }
  return endpoint;
};

/** The verification page: https (http only on this machine), and no fragment, since the token goes there. */
const readVerifyUrl = (environment: NodeJS.ProcessEnv): string => {
  const text = required(
    environment,
    'VERIFY_URL',
    'the page that finishes verification, such as https://example.com/verify',
  );
  const url = URL.parse(text);
  const secure =
    url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (url === null || !secure) {
    throw new SettingError(
      'VERIFY_URL',
      `VERIFY_URL=${quoted(text)} is not an https URL: the link carries a token (http is accepted for localhost only)`,
    );
  }
  if (text.includes('#')) {
    throw new SettingError(
      'VERIFY_URL',
      `VERIFY_URL=${quoted(text)} has a fragment: the link's token goes there, leave it out`,
    );
  }
  return text;
};

export const readMailSettings = (environment: NodeJS.ProcessEnv): MailSettings => {
  const tableName = readTableName(environment);
  const signupSecret = readSignupSecret(environment, 'for the mailer, which writes the links') as string;
  const mailFrom = required(environment, 'MAIL_FROM', 'the sender, such as "Shop <no-reply@example.com>"');
  if (!MAIL_FROM_PATTERN.test(mailFrom)) {
    throw new SettingError(
      'MAIL_FROM',
      `MAIL_FROM=${quoted(mailFrom)} is not a sender: write an address, or a name and an address as "Shop <no-reply@example.com>"`,
    );
  }
  const sesConfigurationSet = environment.SES_CONFIGURATION_SET || undefined;
  if (sesConfigurationSet !== undefined && !CONFIGURATION_SET_PATTERN.test(sesConfigurationSet)) {
    throw new SettingError(
      'SES_CONFIGURATION_SET',
      `SES_CONFIGURATION_SET=${quoted(sesConfigurationSet)} is a name SES refuses: use 1 to 64 letters, digits, '_' or '-'`,
    );
  }
  const eventBusName = environment.EVENT_BUS_NAME || 'default';
  if (!EVENT_BUS_PATTERN.test(eventBusName)) {
    throw new SettingError(
      'EVENT_BUS_NAME',
      `EVENT_BUS_NAME=${quoted(eventBusName)} is not a bus name or ARN: use letters, digits and . - _ / : (default "default")`,
    );
  }
  return {
    tableName,
    signupSecret,
    sesEndpoint: readEndpoint(environment, 'SES_ENDPOINT', 'http://127.0.0.1:3002'),
    mailFrom,
    verifyUrl: readVerifyUrl(environment),
    sesConfigurationSet,
    eventBusName,
    dynamodbEndpoint: readEndpoint(environment, 'DYNAMODB_ENDPOINT', 'http://localhost:8000'),
  };
};
