/** The function's settings, read once at start-up; a missing or malformed one fails loudly. */
export interface Settings {
  tableName: string;
  bcryptCost: number;
  /** A DynamoDB-compatible endpoint to use instead of AWS's (the local store). */
  dynamodbEndpoint: string | undefined;
  corsOrigins: string[];
}

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
/** DynamoDB's own rule for table names. */
const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

export const readSettings = (environment: NodeJS.ProcessEnv): Settings => {
  const tableName = environment.TABLE_NAME;
  if (!tableName)
    throw new SettingError('TABLE_NAME', 'TABLE_NAME must be set: the name of the customers table');
  if (!TABLE_NAME_PATTERN.test(tableName)) {
    throw new SettingError(
      'TABLE_NAME',
      `TABLE_NAME=${quoted(tableName)} is a name DynamoDB refuses: use 3 to 255 letters, digits, '_', '-' or '.'`,
    );
  }
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
    corsOrigins: (environment.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
};
