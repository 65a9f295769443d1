/**
 * What a million signups cost in us-east-1, from the measured signup time at the prod stage's bcrypt
 * cost. Public on-demand prices as of 2025, in dollars; `BENCHMARKS.md` says where each comes from.
 */
export const PRICES = {
  /** Lambda on arm64, per GB-second (first 7.5 billion GB-s a month) and per request. */
  lambdaArm64PerGbSecond: 0.000_013_333_4,
  lambdaPerRequest: 0.2 / 1e6,
  /** API Gateway REST API, per request (first 333 million a month). */
  apiGatewayRestPerRequest: 3.5 / 1e6,
  /** DynamoDB on-demand, per write and per read request unit. */
  dynamoDbPerWriteUnit: 0.625 / 1e6,
  dynamoDbPerReadUnit: 0.125 / 1e6,
} as const;

export const FUNCTION_MEMORY_MB = 1769;

/**
 * The request units of one signup, counted from the store for a name nobody has yet (the common
 * case): the read, strongly consistent on an item under 4 kB, is the e-mail check; the writes are the
 * counter's add, the slug reservation, the customer and its copy in the slug index (public fields
 * only, under 1 kB). A namesake of earlier customers adds the sweep: two reads and one write.
 */
export const SIGNUP_REQUEST_UNITS = { reads: 1, writes: 4 } as const;

export interface SignupCost {
  /** Milliseconds of Lambda time billed per signup (rounded up to the millisecond, as Lambda bills). */
  billedMs: number;
  perMillion: { lambda: number; apiGateway: number; dynamoDb: number; total: number };
}

const cents = (dollars: number): number => Math.round(dollars * 100) / 100;

/** Lambda at 1769 MB on arm64 for `signupMs` each, API Gateway's REST price, DynamoDB's units. */
export const costPerMillionSignups = (signupMs: number): SignupCost => {
  const billedMs = Math.ceil(signupMs);
  const gbSeconds = (FUNCTION_MEMORY_MB / 1024) * (billedMs / 1000);
  const lambda = 1e6 * (gbSeconds * PRICES.lambdaArm64PerGbSecond + PRICES.lambdaPerRequest);
  const apiGateway = 1e6 * PRICES.apiGatewayRestPerRequest;
  const dynamoDb =
    1e6 *
    (SIGNUP_REQUEST_UNITS.writes * PRICES.dynamoDbPerWriteUnit +
      SIGNUP_REQUEST_UNITS.reads * PRICES.dynamoDbPerReadUnit);
  return {
    billedMs,
    perMillion: {
      lambda: cents(lambda),
      apiGateway: cents(apiGateway),
      dynamoDb: cents(dynamoDb),
      total: cents(lambda + apiGateway + dynamoDb),
    },
  };
};
