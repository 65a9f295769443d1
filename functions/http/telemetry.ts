import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitName } from '@aws-lambda-powertools/metrics/types';
import { StoreUnavailableError } from '../core/customer-store.ts';
import type { ApiEvent, ApiMiddleware, ApiRequest } from './api-request.ts';
import type { Answer } from './contract-errors.ts';
import type { Outcome } from './outcome.ts';
import { routes } from './routes.ts';

/** What the telemetry needs of Powertools' Logger and Metrics, which tests may replace. */
export interface Telemetry {
  /** Structured JSON logs: one line per answer. */
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** CloudWatch metrics (EMF): one flush per answer. */
  metrics: {
    addDimension(name: string, value: string): void;
    addMetric(name: string, unit: MetricUnitName, value: number): void;
    publishStoredMetrics(): void;
    /** Powertools' `ColdStart` metric, on the first request of a process only. */
    captureColdStartMetric(functionName?: string): void;
  };
}

/** What one route's answers are called in the logs and counted as in the metrics. */
interface RouteTelemetry {
  /** The message of each answer's log line. */
  answered: string;
  /** The outcomes with a metric of their own; any other (but a preflight) counts as rejected, by reason. */
  counted: Partial<Record<Outcome, string>>;
  rejected: string;
}

export const routeTelemetry = {
  signup: {
    answered: 'signup answered',
    counted: { created: 'SignupsCreated', replayed: 'SignupsReplayed', accepted: 'SignupsAccepted' },
    rejected: 'SignupsRejected',
  },
  verify: {
    answered: 'verification answered',
    counted: { verified: 'CustomersVerified' },
    rejected: 'VerificationsRejected',
  },
  resend: {
    answered: 'resend answered',
    counted: { accepted: 'ResendsAccepted' },
    rejected: 'ResendsRejected',
  },
} as const satisfies Record<keyof typeof routes, RouteTelemetry>;

const SERVICE_NAME = 'customer-signup';
const METRICS_NAMESPACE = 'CustomerSignup';

/** Powertools' logger and metrics, writing JSON lines to stdout: CloudWatch in Lambda, the terminal locally. */
export const createTelemetry = (): Telemetry => ({
  logger: new Logger({ serviceName: SERVICE_NAME }),
  metrics: new Metrics({ serviceName: SERVICE_NAME, namespace: METRICS_NAMESPACE }),
});

/** Bcrypt hashes in any of their formats, kept out of logs whatever carries them. */
const BCRYPT_HASH = /\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}/g;
const REDACTED = '[redacted]';
/** The longest domain worth logging: DNS allows 253 characters. */
const MAX_LOGGED_DOMAIN = 253;

const submitted = (event: ApiEvent, field: string): unknown => {
  const body = event.body;
  return typeof body === 'object' && body !== null && Object.hasOwn(body, field)
    ? (body as Record<string, unknown>)[field]
    : undefined;
};

/** `j***@example.com`: enough to tell customers' requests apart, not to learn the address. */
export const maskEmail = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const address = value.trim();
  const at = address.lastIndexOf('@');
  if (at < 0) return '***';
  const [first = ''] = address.slice(0, at);
  return `${first}***@${address.slice(at + 1, at + 1 + MAX_LOGGED_DOMAIN).toLowerCase()}`;
};

/** Text that may quote the request (an error's message), with its passwords and any hash taken out. */
const redactor = (event: ApiEvent, secretFields: readonly string[]) => {
  // A form may send a field several times: every value is a secret.
  const secrets = secretFields
    .flatMap((field) => submitted(event, field))
    .filter((value): value is string => typeof value === 'string' && value !== '');
  return (text: string): string =>
    secrets
      .reduce((redacted, secret) => redacted.replaceAll(secret, REDACTED), text)
      .replace(BCRYPT_HASH, REDACTED);
};

interface ErrorSummary {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: ErrorSummary;
}

const summarise = (error: unknown, redact: (text: string) => string, withStack: boolean): ErrorSummary => {
  if (!(error instanceof Error)) return { name: 'NonError', message: redact(String(error)) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: redact(error.message),
    ...(typeof code === 'string' ? { code } : {}),
    ...(withStack && error.stack !== undefined ? { stack: redact(error.stack) } : {}),
    ...(error.cause === undefined ? {} : { cause: summarise(error.cause, redact, withStack) }),
  };
};

const outcomeOf = (request: ApiRequest): Outcome => {
  const outcome = (request.response as Answer | undefined)?.outcome;
  if (outcome !== undefined) return outcome;
  return request.error instanceof StoreUnavailableError ? 'store-unavailable' : 'server-error';
};

const count = (metrics: Telemetry['metrics'], names: RouteTelemetry, outcome: Outcome): void => {
  if (outcome === 'preflight') return;
  const counted = names.counted[outcome];
  if (counted !== undefined) metrics.addMetric(counted, MetricUnit.Count, 1);
  else {
    metrics.addDimension('reason', outcome);
    metrics.addMetric(names.rejected, MetricUnit.Count, 1);
  }
  // In the same tick as the lines above, so concurrent requests of `npm start` never share a flush.
  metrics.publishStoredMetrics();
};

/**
 * Not Powertools' `logMetrics`/`injectLambdaContext` middlewares: both keep per-request state on the
 * shared Logger and Metrics, which the concurrent requests of `npm start` would mix; each answer's
 * line carries its own ids, and its metrics are flushed in the tick they are added.
 *
 * Registered first, so that it sees every answer last, headers and all: one structured log line per
 * request (its ids, outcome, status, latency, masked e-mail; never a password or a hash) and the
 * metrics of its outcome. It also takes the outcome off the answer before it leaves.
 */
export const telemetry = ({ logger, metrics }: Telemetry, route: keyof typeof routes): ApiMiddleware => {
  const names: RouteTelemetry = routeTelemetry[route];
  const { secretFields } = routes[route];
  const record = (request: ApiRequest): void => {
    if (!request.response) return;
    const outcome = outcomeOf(request);
    const { outcome: _, ...response } = request.response as Answer;
    request.response = response;

    const line = {
      function_request_id: request.context.awsRequestId,
      correlation_id: request.event.requestContext?.requestId,
      outcome,
      status_code: response.statusCode,
      latency_ms: Math.round(performance.now() - request.internal.startedAt),
      email: maskEmail(submitted(request.event, 'email')),
      idempotency_fault: request.internal.idempotencyFault,
    };
    const serverError = outcome === 'server-error';
    const unavailable = outcome === 'store-unavailable' || outcome === 'time-budget-exceeded';
    const failure =
      (serverError || unavailable) && request.error
        ? { error: summarise(request.error, redactor(request.event, secretFields), serverError) }
        : {};
    if (serverError) logger.error(names.answered, { ...line, ...failure });
    else if (unavailable || line.idempotency_fault !== undefined) {
      logger.warn(names.answered, { ...line, ...failure });
    } else logger.info(names.answered, line);
    count(metrics, names, outcome);
  };

  return {
    before: (request) => {
      request.internal.startedAt = performance.now();
      metrics.captureColdStartMetric(request.context.functionName);
    },
    after: record,
    onError: record,
  };
};
