import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MockIntegration,
  PassthroughBehavior,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { openApiDocument } from '../functions/http/openapi.ts';

const customersPath = '/api/v1/customers';
/** Where a pending account is proven with its link and password, and where a new link is asked for. */
export const verifyPath = `${customersPath}/verify`;
export const resendPath = `${verifyPath}/resend`;

export interface SignupApiProps {
  stageName: string;
  signupFunction: IFunction;
  verifyFunction: IFunction;
  resendFunction: IFunction;
  throttling: { rateLimit: number; burstLimit: number };
  /** The resend route's own limits: each accepted resend may send a mail. */
  resendThrottling: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

/** The contract's `{"detail": "..."}` body for a gateway response (a mapping template: no `$` or `#`). */
const detailTemplate = (detail: string): Record<string, string> => ({
  'application/json': JSON.stringify({ detail }),
});
/**
 * API Gateway's own answers carry nothing but a fixed message: any origin may read them, so a signup
 * page can tell a throttled request (429, `Retry-After`) or an unknown path from a network failure.
 * The function's answers allow only the stage's origins.
 */
/**
 * The OpenAPI document as a mapping template: JSON whose `$` and `#` (in `$ref`, `$schema`, `#/…`)
 * are written as `\u0024` and `\u0023`, so API Gateway's template language finds nothing to
 * interpret, and any JSON reader gets the document back unchanged.
 */
const openApiTemplate = (): string =>
  JSON.stringify(openApiDocument).replaceAll('$', '\\u0024').replaceAll('#', '\\u0023');

const jsonHeaders = {
  'Content-Type': "'application/json'",
  'Access-Control-Allow-Origin': "'*'",
  'Access-Control-Expose-Headers': "'Retry-After'",
};

/** The REST API in front of the signup function: routes, throttling, access logs, JSON errors. */
export class SignupApi extends Construct {
  public readonly restApi: RestApi;
  /** The URL clients post signups to. */
  public readonly customersUrl: string;

  public constructor(scope: Construct, id: string, props: SignupApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.restApi = new RestApi(this, 'Api', {
      description: 'The customer signup API',
      // Regional: clients reach it directly, without the CloudFront hop of an edge-optimized API.
      endpointTypes: [EndpointType.REGIONAL],
      // API Gateway writes access logs only once the account has a CloudWatch role; RETAIN by default,
      // because that setting is shared by every API in the region.
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName,
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
        methodOptions: {
          [`${resendPath}/POST`]: {
            throttlingRateLimit: props.resendThrottling.rateLimit,
            throttlingBurstLimit: props.resendThrottling.burstLimit,
          },
        },
      },
    });

    this.routeTo(customersPath, props.signupFunction);
    this.routeTo(verifyPath, props.verifyFunction);
    this.routeTo(resendPath, props.resendFunction);

    this.addOpenApiDocument();
    this.addJsonGatewayResponses();
    this.customersUrl = this.restApi.urlForPath(`${customersPath}/`);
    this.acknowledgeNagFindings();
  }

  /**
   * Sends POST on `path` to the function. API Gateway routes `path/` to the same resource, and passes
   * the path on as sent. Every other method reaches the function too: it answers CORS preflights
   * (OPTIONS) for the stage's origins, one CORS implementation here and locally, and the contract's
   * 405 instead of a gateway 403.
   */
  private routeTo(path: string, target: IFunction): void {
    const resource = this.restApi.root.resourceForPath(path);
    const integration = new LambdaIntegration(target, { allowTestInvoke: false });
    resource.addMethod('POST', integration);
    resource.addMethod('ANY', integration);
  }

  /**
   * `GET /openapi.json`: the reference `npm start` serves, answered by API Gateway itself (a mock
   * integration), so reading it costs no invocation. Readable from any origin, as API tools need.
   */
  private addOpenApiDocument(): void {
    const headers = {
      'method.response.header.Content-Type': "'application/json'",
      'method.response.header.Access-Control-Allow-Origin': "'*'",
    };
    this.restApi.root.addResource('openapi.json').addMethod(
      'GET',
      new MockIntegration({
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        passthroughBehavior: PassthroughBehavior.WHEN_NO_TEMPLATES,
        integrationResponses: [
          {
            statusCode: '200',
            responseParameters: headers,
            responseTemplates: { 'application/json': openApiTemplate() },
          },
        ],
      }),
      {
        methodResponses: [
          {
            statusCode: '200',
            responseParameters: Object.fromEntries(Object.keys(headers).map((name) => [name, true])),
          },
        ],
      },
    );
  }

  /** API Gateway's own answers, in the contract's JSON shape instead of `{"message": ...}`. */
  private addJsonGatewayResponses(): void {
    // API Gateway answers an unknown path with 403 "Missing Authentication Token".
    this.restApi.addGatewayResponse('UnknownPath', {
      type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      responseHeaders: jsonHeaders,
      templates: detailTemplate('Not found.'),
    });
    this.restApi.addGatewayResponse('Throttled', {
      type: ResponseType.THROTTLED,
      statusCode: '429',
      // The stage's token bucket refills every second.
      responseHeaders: { ...jsonHeaders, 'Retry-After': "'1'" },
      templates: detailTemplate('Request was throttled.'),
    });
    this.restApi.addGatewayResponse('RequestTooLarge', {
      type: ResponseType.REQUEST_TOO_LARGE,
      statusCode: '413',
      responseHeaders: jsonHeaders,
      templates: detailTemplate('Request body is too large.'),
    });
    this.restApi.addGatewayResponse('IntegrationTimeout', {
      type: ResponseType.INTEGRATION_TIMEOUT,
      statusCode: '503',
      responseHeaders: { ...jsonHeaders, 'Retry-After': "'1'" },
      templates: detailTemplate('Service temporarily unavailable, try again later.'),
    });
    // Lambda refusing the invocation, its reserved concurrency in use (429 TooManyRequestsException),
    // reaches API Gateway as an integration failure: the service is busy, so the contract's 503. The
    // function itself never fails an invocation (middy answers every error), so little else lands here.
    this.restApi.addGatewayResponse('IntegrationFailure', {
      type: ResponseType.INTEGRATION_FAILURE,
      statusCode: '503',
      responseHeaders: { ...jsonHeaders, 'Retry-After': "'1'" },
      templates: detailTemplate('Service temporarily unavailable, try again later.'),
    });
    this.restApi.addGatewayResponse('Default4xx', {
      type: ResponseType.DEFAULT_4XX,
      responseHeaders: jsonHeaders,
      // messageString is API Gateway's own message, already quoted and escaped as a JSON string.
      templates: { 'application/json': '{"detail":$context.error.messageString}' },
    });
    this.restApi.addGatewayResponse('Default5xx', {
      type: ResponseType.DEFAULT_5XX,
      responseHeaders: jsonHeaders,
      templates: detailTemplate('A server error occurred.'),
    });
  }

  /** cdk-nag's findings that do not apply to a public signup endpoint, each with its reason. */
  private acknowledgeNagFindings(): void {
    const api = Validations.of(this.restApi);
    api.acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'The function validates each request and answers in the contract shape; a gateway validator would not.',
    });
    api.acknowledge({ id: 'AwsSolutions-APIG4', reason: 'Signup is public by contract: no authentication.' });
    api.acknowledge({ id: 'AwsSolutions-COG4', reason: 'Signup is public by contract: no authorizer.' });
    api.acknowledge({
      id: 'AwsSolutions-APIG6',
      reason:
        'The JSON access log records every request with its error and integration error; execution logs would add a log group nobody manages.',
    });
    Validations.of(this.restApi.node.findChild('CloudWatchRole')).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: "API Gateway's account-wide logging role: AWS's managed policy is the documented one for it.",
    });
  }
}

/** One JSON object per request, with the fields that explain an error or a WAF block. */
const accessLogFormat = (): AccessLogFormat =>
  AccessLogFormat.custom(
    JSON.stringify({
      requestId: AccessLogField.contextRequestId(),
      requestTime: AccessLogField.contextRequestTime(),
      ip: AccessLogField.contextIdentitySourceIp(),
      userAgent: AccessLogField.contextIdentityUserAgent(),
      httpMethod: AccessLogField.contextHttpMethod(),
      path: AccessLogField.contextPath(),
      status: AccessLogField.contextStatus(),
      responseLength: AccessLogField.contextResponseLength(),
      latency: AccessLogField.contextResponseLatency(),
      integrationStatus: AccessLogField.contextIntegrationStatus(),
      integrationLatency: AccessLogField.contextIntegrationLatency(),
      integrationError: AccessLogField.contextIntegrationErrorMessage(),
      errorType: AccessLogField.contextErrorResponseType(),
      errorMessage: AccessLogField.contextErrorMessage(),
      wafStatus: AccessLogField.contextWafResponseCode(),
    }),
  );
