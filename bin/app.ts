import { App } from 'aws-cdk-lib';
import { addCustomersStack } from '../lib/customers-stack.ts';

addCustomersStack(new App());
