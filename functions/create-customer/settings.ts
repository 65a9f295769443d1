/** The function's settings, read once at start-up; a missing or malformed one fails loudly. */
export interface Settings {
  tableName: string;
  bcryptCost: number;
  /** A DynamoDB-compatible endpoint to use instead of AWS's (the local store). */
  dynamodbEndpoint: string | undefined;
  corsOrigins: string[];
}

const DEFAULT_BCRYPT_COST = 12;

export const readSettings = (environment: NodeJS.ProcessEnv): Settings => {
  const tableName = environment.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME must be set');
  const bcryptCost = Number(environment.BCRYPT_COST ?? DEFAULT_BCRYPT_COST);
  // bcrypt accepts costs 4 to 31.
  if (!Number.isInteger(bcryptCost) || bcryptCost < 4 || bcryptCost > 31) {
    throw new Error(`BCRYPT_COST must be an integer from 4 to 31, not "${environment.BCRYPT_COST}"`);
  }
  return {
    tableName,
    bcryptCost,
    dynamodbEndpoint: environment.DYNAMODB_ENDPOINT || undefined,
    corsOrigins: (environment.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
};
