import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addCustomersStack, type CustomersStack } from '../../lib/customers-stack.ts';
import type { StageName } from '../../lib/stage-config.ts';

export interface SynthesizedStage {
  stack: CustomersStack;
  template: Template;
  /** The cloud assembly folder: the staged assets and the validation report. */
  assemblyDirectory: string;
}

const cdkJson = JSON.parse(await readFile(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/**
 * Synthesizes a stage as `cdk synth -c stage=…` does, with cdk.json's context. An unacknowledged cdk-nag
 * finding fails the synth, and with it every test of the stage, naming the finding.
 */
export const synthStage = async (
  stage: StageName,
  codeDirectory: string,
  context: Record<string, string> = {},
): Promise<SynthesizedStage> => {
  const app = new App({
    context: { ...cdkJson.context, stage, ...context },
    outdir: await mkdtemp(join(tmpdir(), `cdk-${stage}-`)),
  });
  const stack = addCustomersStack(app, codeDirectory);
  return { stack, template: Template.fromStack(stack), assemblyDirectory: app.outdir };
};
