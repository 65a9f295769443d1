import type { ValidateFunction } from 'ajv';

/** The signup event validator, compiled from request-schemas.ts by scripts/compile-schemas.ts. */
declare const validate: ValidateFunction;
export default validate;
