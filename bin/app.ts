import { App } from 'aws-cdk-lib';
import { addCustomersStack } from '../lib/customers-stack.ts';
import { SettingError } from '../lib/stage-config.ts';

try {
  addCustomersStack(new App());
} catch (error) {
  if (!(error instanceof SettingError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
