/**
 * The signup request body, as JSON Schema: the one source of truth for the request's shape. The
 * validator checks the body against it (compiled at build time by scripts/compile-schemas.ts) and
 * the OpenAPI reference is generated from it. The field rules themselves (trimming, Django's
 * validators and their exact messages) live in rules/, since JSON Schema cannot say them.
 */
export const signupRequestSchema = {
  $id: 'SignupRequest',
  title: 'Signup request',
  description:
    'A new customer. Every field is checked and all errors are reported at once; unknown and read-only fields are ignored.',
  type: 'object',
  properties: {
    email: {
      description:
        "Trimmed. Django's EmailValidator rules, at most 254 characters; stored with its domain lower-cased. One account per address, compared case-insensitively.",
      examples: ['john@example.com'],
    },
    first_name: {
      description: 'Trimmed, 1 to 150 characters (code points). Numbers are turned into text.',
      examples: ['John'],
    },
    last_name: {
      description: 'Trimmed, 1 to 150 characters (code points). Numbers are turned into text.',
      examples: ['Doe'],
    },
    password: {
      description:
        "Never trimmed. Django's validators: at least 8 characters, not too common, not entirely numeric, not too similar to the names or e-mail; at most 72 UTF-8 bytes: 72 characters when all are ASCII, fewer otherwise (a non-ASCII character takes 2 to 4 bytes).",
      examples: ['SecureP@ssw0rd123'],
    },
    password2: {
      description: 'The password again; never trimmed.',
      examples: ['SecureP@ssw0rd123'],
    },
    date_of_birth: {
      description:
        'Optional, may be null. YYYY-MM-DD (month and day may have one digit), a real date, not in the future (UTC).',
      examples: ['1990-01-15'],
    },
  },
} as const;

/**
 * The fields the contract requires. Kept out of the validated schema: a missing field is a field
 * error (`This field is required.`), reported with every other, not a malformed request.
 */
export const requiredSignupFields = ['email', 'first_name', 'last_name', 'password', 'password2'] as const;

/**
 * What the validator checks: an API Gateway event whose parsed body is a JSON object (a dictionary),
 * and no more: the contract answers a field's wrong type, length or format with that field's own
 * message beside every other field's (Django REST framework's way), which a schema's first failure
 * cannot give, so the rules in `core/rules/` check the fields.
 */
export const signupEventSchema = {
  type: 'object',
  required: ['body'],
  properties: {
    body: signupRequestSchema,
  },
} as const;

/** The verify request body: the link's token and the signup's password. */
export const verifyRequestSchema = {
  $id: 'VerifyRequest',
  title: 'Verify request',
  description:
    'Turns a pending account into an active one: the token from the link the mail holds, and the password chosen at signup. Unknown fields are ignored.',
  type: 'object',
  properties: {
    token: {
      description:
        'The token from the link in the mail, the text after `#token=`: base64url, at least 128 random bits.',
      examples: ['q1QYJgHcOG3Yv0m7a6Xl0D8k2rJ9vZrE3tWz5uQpN1A'],
    },
    password: {
      description: 'The password chosen at signup, as typed then (never trimmed).',
      examples: ['SecureP@ssw0rd123'],
    },
  },
} as const;

/** Missing fields are field errors, as in the signup (`This field is required.`). */
export const requiredVerifyFields = ['token', 'password'] as const;

export const verifyEventSchema = {
  type: 'object',
  required: ['body'],
  properties: {
    body: verifyRequestSchema,
  },
} as const;

/** The resend request body: the address a pending account was signed up with. */
export const resendRequestSchema = {
  $id: 'ResendRequest',
  title: 'Resend request',
  description:
    'Asks for a new verification link. The answer is the same whether or not a pending account has this address. Unknown fields are ignored.',
  type: 'object',
  properties: {
    email: {
      description:
        "The address signed up with. Trimmed; Django's EmailValidator rules, at most 254 characters, as in the signup.",
      examples: ['john@example.com'],
    },
  },
} as const;

export const requiredResendFields = ['email'] as const;

export const resendEventSchema = {
  type: 'object',
  required: ['body'],
  properties: {
    body: resendRequestSchema,
  },
} as const;
