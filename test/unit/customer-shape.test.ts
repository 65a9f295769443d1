import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type Customer,
  customerKeys,
  customerProperties,
  readCustomer,
  type SignupCustomer,
  signupCustomerKeys,
} from '../../functions/core/customer.ts';
import { customerChangeActions } from '../../functions/core/customer-changes.ts';
import type { NewCustomer, StoredCustomer } from '../../functions/core/customer-store.ts';
import type { ValidSignup } from '../../functions/core/rules/signup-form.ts';
import { representCustomer } from '../../functions/core/signup.ts';
import {
  CUSTOMER_ATTRIBUTES,
  type CustomerItem,
  PERSONAL_ATTRIBUTES,
  toStoredCustomer,
} from '../../functions/dynamodb/customers.ts';
import { openApiDocument } from '../../functions/http/openapi.ts';

/** One value of each property's first type, so that a property added to the shape gets one here too. */
const sampleCustomer = Object.fromEntries(
  customerKeys.map((key) => {
    const [type] = [customerProperties[key].type].flat();
    return [key, type === 'null' ? null : `${key}-value`];
  }),
) as Customer;

const storedItem: CustomerItem = {
  ...sampleCustomer,
  password: 'bcrypt$$2b$04$secret',
  created_at: '2026-12-02T10:00:00.000Z',
  is_active: true,
  claim_id: 'claim-1',
  token_nonce: 'secret-nonce',
};

describe('the one customer shape', () => {
  it('is the type its schema describes, key for key', () => {
    expectTypeOf<keyof Customer>().toEqualTypeOf<keyof typeof customerProperties>();
    expectTypeOf<Customer>().toEqualTypeOf<{
      email: string;
      first_name: string;
      last_name: string;
      slug: string;
      date_of_birth: string | null;
      address: null;
      last_purchase_date: null;
    }>();
    expect(customerKeys).toEqual(Object.keys(customerProperties));
  });

  it('is what a valid signup gives, the stored item holds and the store answers with', () => {
    expectTypeOf<Pick<ValidSignup, keyof SignupCustomer>>().toEqualTypeOf<SignupCustomer>();
    expectTypeOf<Pick<NewCustomer, keyof SignupCustomer>>().toEqualTypeOf<SignupCustomer>();
    expectTypeOf<Pick<CustomerItem, keyof Customer>>().toEqualTypeOf<Customer>();
    expectTypeOf<Pick<StoredCustomer, keyof Customer>>().toEqualTypeOf<Customer>();
    expect(customerKeys).toEqual(expect.arrayContaining(signupCustomerKeys));
  });

  it('is every key the store reads for an answer and removes with an expired account', () => {
    expect(CUSTOMER_ATTRIBUTES).toEqual(expect.arrayContaining(customerKeys));
    expect(PERSONAL_ATTRIBUTES).toEqual(expect.arrayContaining(customerKeys));
  });

  it('is exactly the keys of the answer, in their order, and nothing else of the item', () => {
    const answer = representCustomer(toStoredCustomer(storedItem));
    expect(Object.keys(answer)).toEqual(customerKeys);
    expect(answer).toEqual(sampleCustomer);
  });

  it("is exactly the OpenAPI reference's Customer, in the same order", () => {
    const schema = openApiDocument.components.schemas.Customer as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual(customerKeys);
    expect(Object.keys(schema.properties)).toEqual(customerKeys);
  });

  it('is what an event tells of the customer, with when it was made and whether it is active', () => {
    expect(readCustomer({ ...storedItem })).toEqual(sampleCustomer);
    const [action] = customerChangeActions({ changeId: 'c1', emailKey: 'k', newImage: { ...storedItem } });
    expect(action?.action === 'publish-event' && action.event.customer).toEqual({
      ...sampleCustomer,
      created_at: storedItem.created_at,
      is_active: true,
    });
  });
});
