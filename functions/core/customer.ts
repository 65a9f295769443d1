import { limits } from './rules/limits.ts';
import { SLUG_MAX_LENGTH } from './rules/slug-candidate.ts';

type JsonType = 'string' | 'number' | 'boolean' | 'null';

/** The JSON Schema keywords a customer property may use. */
interface PropertySchema {
  type: JsonType | readonly JsonType[];
  format?: string;
  maxLength?: number;
  pattern?: string;
  description?: string;
  /** The first is its value in the contract's example customer. */
  examples: readonly [unknown, ...unknown[]];
}

/**
 * The customer as the contract answers it, once, as the JSON Schema of its properties: the answers,
 * the store's item, the events and the OpenAPI reference all derive from it, in this key order. The
 * first examples together are the contract's example customer.
 */
export const customerProperties = {
  email: {
    type: 'string',
    format: 'email',
    maxLength: limits.emailMaxLength,
    description: 'As sent, trimmed, with its domain lower-cased.',
    examples: ['john@example.com'],
  },
  first_name: {
    type: 'string',
    maxLength: limits.nameMaxLength,
    description: 'Trimmed.',
    examples: ['John'],
  },
  last_name: { type: 'string', maxLength: limits.nameMaxLength, description: 'Trimmed.', examples: ['Doe'] },
  slug: {
    type: 'string',
    maxLength: SLUG_MAX_LENGTH,
    pattern: '^[a-z0-9][a-z0-9_-]*$',
    description:
      'Unique over all customers: the full name transliterated to ASCII and slugified (`customer` when nothing is left), then the first free of `base`, `base-2`, `base-3`, …',
    examples: ['john-doe'],
  },
  date_of_birth: {
    type: ['string', 'null'],
    format: 'date',
    maxLength: 10,
    pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
    examples: ['1990-01-15'],
  },
  address: { type: 'null', description: 'Not set at signup.', examples: [null] },
  last_purchase_date: { type: 'null', description: 'Not set at signup.', examples: [null] },
} as const satisfies Record<string, PropertySchema>;

interface JsonValues {
  string: string;
  number: number;
  boolean: boolean;
  null: null;
}
type ValueOf<Property> = Property extends { type: infer Type }
  ? JsonValues[Type extends readonly JsonType[] ? Type[number] : Type & JsonType]
  : never;

/** The customer's TypeScript type, read off its schema: a property added there is a key here. */
export type Customer = {
  -readonly [Key in keyof typeof customerProperties]: ValueOf<(typeof customerProperties)[Key]>;
};

export const customerKeys = Object.keys(customerProperties) as (keyof Customer)[];

/** What the store sets rather than the signup: the slug, from the name's base; the rest no signup fills. */
const storeAssigned = ['slug', 'address', 'last_purchase_date'] as const;
/** The customer's fields as a valid signup gives them. */
export type SignupCustomer = Omit<Customer, (typeof storeAssigned)[number]>;
export const signupCustomerKeys = customerKeys.filter(
  (key): key is keyof SignupCustomer => !(storeAssigned as readonly string[]).includes(key),
);

/** The named keys of an object, in their order, and nothing else: what keeps a secret attribute out of an answer. */
export const pick = <Source, Key extends keyof Source>(
  source: Source,
  keys: readonly Key[],
): Pick<Source, Key> => Object.fromEntries(keys.map((key) => [key, source[key]])) as Pick<Source, Key>;

const jsonTypeOf = (value: unknown): string => (value === null ? 'null' : typeof value);

/**
 * The customer from untyped attributes (a stream image): each as its schema types it, an empty
 * string as absent, an absent nullable one as null; undefined when a required one is absent.
 */
export const readCustomer = (attributes: Readonly<Record<string, unknown>>): Customer | undefined => {
  const customer: Record<string, unknown> = {};
  for (const key of customerKeys) {
    const types: readonly string[] = [customerProperties[key].type].flat();
    const value = attributes[key];
    if (types.includes(jsonTypeOf(value)) && value !== '') customer[key] = value;
    else if (types.includes('null')) customer[key] = null;
    else return undefined;
  }
  return customer as Customer;
};
