import { App } from 'aws-cdk-lib';
import { addCustomersStack } from '../lib/customers-stack.ts';

try {
  addCustomersStack(new App());
} catch (error) {
  // A wrong -c stage or -c corsOrigins: its one line says what to write, and a stack would bury it.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
