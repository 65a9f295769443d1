/**
 * What the bundle puts in place of the SDK's default credential chain (`lib/bundling.ts` aliases
 * `@aws-sdk/credential-provider-node` to this module): Lambda hands a function its role's
 * credentials in the environment, so the chain's other providers (SSO, profiles, processes, web
 * identity, container and instance metadata) and the STS, SSO and sign-in clients they bring are
 * dead weight, 135 kB of a cold start's JavaScript. The sources, run by `npm start` and the tests,
 * keep the whole chain.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-providers';
