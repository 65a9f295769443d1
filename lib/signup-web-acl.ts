import { ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { verifyPath } from './signup-api.ts';
import type { WebAclSettings } from './stage-config.ts';

export interface SignupWebAclProps {
  /** The API stage the web ACL guards. */
  stage: Stage;
  /** That stage's name, which starts every path WAF sees on the stage's execute-api URL. */
  stageName: string;
  settings: WebAclSettings;
  /** The origins whose pages may post signups; a POST from any other page's origin is refused. */
  corsOrigins: string[];
  /** The web ACL's name and the prefix of its metric names, so stages in one account do not share them. */
  name: string;
  removalPolicy: RemovalPolicy;
}

/** The signup path as WAF sees it on the stage's execute-api URL. */
const creationPath = (stageName: string): string => `/${stageName}/api/v1/customers`;

const throttledBodyKey = 'throttled';
const forbiddenBodyKey = 'forbidden';
/** Any page may read WAF's own answers, as it may API Gateway's (lib/signup-api.ts): they hold a fixed message. */
const readableFromAnyPage = [
  { name: 'Access-Control-Allow-Origin', value: '*' },
  { name: 'Access-Control-Expose-Headers', value: 'Retry-After' },
];

/** The ways the signup accepts a body, and how ACFP finds the e-mail and the password in each. */
const signupPayloads = [
  { payloadType: 'JSON', contentType: 'application/json', field: (name: string) => `/${name}` },
  {
    payloadType: 'FORM_ENCODED',
    contentType: 'application/x-www-form-urlencoded',
    field: (name: string) => name,
  },
] as const;

// `singleHeader` is untyped in aws-cdk-lib, so its keys are written as CloudFormation spells them.
const headerStartsWith = (header: string, prefix: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { singleHeader: { Name: header } },
    positionalConstraint: 'STARTS_WITH',
    searchString: prefix,
    textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
  },
});

const pathStartsWith = (prefix: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'STARTS_WITH',
    searchString: prefix,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});

const headerIs = (header: string, value: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { singleHeader: { Name: header } },
    positionalConstraint: 'EXACTLY',
    searchString: value.toLowerCase(),
    textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
  },
});

const anyOf = (statements: CfnWebACL.StatementProperty[]): CfnWebACL.StatementProperty => {
  const [only] = statements;
  if (statements.length === 1 && only) return only;
  return { orStatement: { statements } };
};

/**
 * A POST whose `Origin` is a page not among the CORS origins: a form on another site signing its
 * visitors up (browsers send `Origin` with every POST; CORS does not stop a simple form post). Clients
 * that are not browsers send no `Origin` and are not concerned.
 */
const crossSitePost = (corsOrigins: string[]): CfnWebACL.StatementProperty => ({
  andStatement: {
    statements: [
      {
        byteMatchStatement: {
          fieldToMatch: { method: {} },
          positionalConstraint: 'EXACTLY',
          searchString: 'POST',
          textTransformations: [{ priority: 0, type: 'NONE' }],
        },
      },
      {
        sizeConstraintStatement: {
          fieldToMatch: { singleHeader: { Name: 'origin' } },
          comparisonOperator: 'GT',
          size: 0,
          textTransformations: [{ priority: 0, type: 'NONE' }],
        },
      },
      { notStatement: { statement: anyOf(corsOrigins.map((origin) => headerIs('origin', origin))) } },
    ],
  },
});

/**
 * The AWS WAF web ACL in front of the signup: the rate limit per client IP, AWS's IP reputation and
 * known-bad-input rules, cross-site form posts refused, and account creation fraud prevention (ACFP)
 * on the signup path; its request logs in CloudWatch Logs.
 */
export class SignupWebAcl extends Construct {
  public readonly webAcl: CfnWebACL;
  /** The web ACL's name: the `WebACL` dimension of its CloudWatch metrics. */
  public readonly webAclName: string;
  /** The metric names (the `Rule` dimension) of the ACFP rules, one per payload type. */
  public readonly fraudRuleMetricNames: string[];

  public constructor(scope: Construct, id: string, props: SignupWebAclProps) {
    super(scope, id);
    const { settings, name } = props;
    const visibility = (ruleName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${name}-${ruleName}`,
      sampledRequestsEnabled: true,
    });
    const managedGroup = (ruleName: string, groupName: string, priority: number): CfnWebACL.RuleProperty => ({
      name: ruleName,
      priority,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: groupName } },
      // The group's own actions: each of its rules blocks what it matches.
      overrideAction: { none: {} },
      visibilityConfig: visibility(ruleName),
    });

    const fraudRules = signupPayloads.map(
      ({ payloadType, contentType, field }, index): CfnWebACL.RuleProperty => {
        const ruleName = `account-creation-fraud-${payloadType.toLowerCase().replace('_', '-')}`;
        return {
          name: ruleName,
          // Last: requests the free rules already refused are not analysed, and ACFP bills per analysis.
          priority: 10 + index,
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesACFPRuleSet',
              managedRuleGroupConfigs: [
                {
                  awsManagedRulesAcfpRuleSet: {
                    creationPath: creationPath(props.stageName),
                    // Required; the signup page is the shop's, on another origin, never behind this web ACL.
                    registrationPagePath: `/${props.stageName}/signup`,
                    requestInspection: {
                      payloadType,
                      // ACFP checks e-mail and password pairs against stolen credentials; we have no username.
                      emailField: { identifier: field('email') },
                      passwordField: { identifier: field('password') },
                    },
                  },
                },
              ],
              // One ACFP configuration reads one payload type: each body goes to the one that reads it.
              // ACFP takes the creation path as a prefix: verify and resend create no account, carry no
              // e-mail and password pair, and are not analysed (nor billed).
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    headerStartsWith('content-type', contentType),
                    { notStatement: { statement: pathStartsWith(`/${props.stageName}${verifyPath}`) } },
                  ],
                },
              },
            },
          },
          overrideAction: { none: {} },
          visibilityConfig: visibility(ruleName),
        };
      },
    );
    this.fraudRuleMetricNames = fraudRules.map((rule) => `${name}-${rule.name}`);
    this.webAclName = name;

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [throttledBodyKey]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ detail: 'Request was throttled.' }),
        },
        // Django REST framework's words for a refused request.
        [forbiddenBodyKey]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ detail: 'You do not have permission to perform this action.' }),
        },
      },
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: settings.rateLimitPerIp.limit,
              evaluationWindowSec: settings.rateLimitPerIp.windowSeconds,
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: throttledBodyKey,
                // WAF lifts the block once the address's rate over the window falls under the limit: a
                // minute is a fair first wait.
                responseHeaders: [{ name: 'Retry-After', value: '60' }, ...readableFromAnyPage],
              },
            },
          },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
        managedGroup('aws-ip-reputation', 'AWSManagedRulesAmazonIpReputationList', 1),
        managedGroup('aws-known-bad-inputs', 'AWSManagedRulesKnownBadInputsRuleSet', 2),
        {
          name: 'cross-site-post',
          priority: 3,
          statement: crossSitePost(props.corsOrigins),
          action: {
            block: {
              customResponse: {
                responseCode: 403,
                customResponseBodyKey: forbiddenBodyKey,
                responseHeaders: readableFromAnyPage,
              },
            },
          },
          visibilityConfig: visibility('cross-site-post'),
        },
        ...fraudRules,
      ],
      visibilityConfig: visibility('web-acl'),
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF writes only to log groups whose name starts with aws-waf-logs-.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${name}`,
      retention: settings.logRetention,
      removalPolicy: props.removalPolicy,
    });
    new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The log group's ARN without the `:*` that LogGroup.logGroupArn ends with, which WAF refuses.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // WAF logs no body, so the passwords never reach them; what else could carry a secret is redacted:
      // a query string (a form sent with GET), cookies and WAF's token, and the Idempotency-Key, which
      // keys the stored request's HMAC.
      redactedFields: [
        { queryString: {} },
        { singleHeader: { Name: 'cookie' } },
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'idempotency-key' } },
        { singleHeader: { Name: 'x-aws-waf-token' } },
      ],
    });
  }
}
