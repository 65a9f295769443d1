import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface RateLimitWebAclProps {
  /** The API stage the web ACL guards. */
  stage: Stage;
  /** At most this many requests per client IP in the window; more are answered 429. */
  limit: number;
  windowSeconds: 60 | 120 | 300 | 600;
  /** Prefix of the CloudWatch metric names, so stages in one account do not share them. */
  metricPrefix: string;
}

const throttledBodyKey = 'throttled';

/** A WAF web ACL that answers a client IP over its rate with the contract's JSON 429. */
export class RateLimitWebAcl extends Construct {
  public readonly webAcl: CfnWebACL;

  public constructor(scope: Construct, id: string, props: RateLimitWebAclProps) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [throttledBodyKey]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ detail: 'Request was throttled.' }),
        },
      },
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.limit,
              evaluationWindowSec: props.windowSeconds,
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: throttledBodyKey,
                // Readable by any signup page, as API Gateway's own answers are (lib/signup-api.ts). WAF
                // lifts the block once the address's rate over the window falls under the limit: a
                // minute is a fair first wait.
                responseHeaders: [
                  { name: 'Retry-After', value: '60' },
                  { name: 'Access-Control-Allow-Origin', value: '*' },
                  { name: 'Access-Control-Expose-Headers', value: 'Retry-After' },
                ],
              },
            },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: `${props.metricPrefix}-rate-limit-per-ip`,
            sampledRequestsEnabled: true,
          },
        },
      ],
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: `${props.metricPrefix}-web-acl`,
        sampledRequestsEnabled: true,
      },
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
