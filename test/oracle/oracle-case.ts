/**
 * A request case in the shape of the contract's `conformance/public.json`, and the contract's replay
 * rules for comparing an answer with the recorded one (the same rules as `conformance/replay.mjs`).
 */
export interface OracleCase {
  id: string;
  note: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The oracle's answer, once recorded. */
  expect?: { status: number; body: unknown };
}

export type RecordedCase = OracleCase & { expect: { status: number; body: unknown } };

/** An answer of our API, as the client sees it. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const sortedMessages = (value: unknown) => (Array.isArray(value) ? value.map(String).sort() : value);

const isParseError = (body: unknown): boolean =>
  typeof (body as { detail?: unknown } | null)?.detail === 'string' &&
  (body as { detail: string }).detail.startsWith('JSON parse error');

/** How an answer differs from the recorded one; empty when it passes. */
export const answerProblems = (recorded: RecordedCase, answer: Answer): string[] => {
  const problems: string[] = [];
  if (!answer.contentType.includes('application/json')) {
    problems.push(`content-type "${answer.contentType}", expected application/json`);
  }
  let body: unknown;
  try {
    body = answer.text ? JSON.parse(answer.text) : null;
  } catch {
    return [...problems, 'body is not JSON'];
  }
  const { status, body: want } = recorded.expect;
  if (answer.status !== status) problems.push(`status ${answer.status}, expected ${status}`);
  if (isParseError(want)) {
    // The parser's words differ between languages: only the prefix is part of the contract.
    if (!isParseError(body))
      problems.push(`expected {"detail": "JSON parse error - ..."}, got ${JSON.stringify(body)}`);
  } else if (want === null || typeof want !== 'object') {
    if (JSON.stringify(body) !== JSON.stringify(want)) {
      problems.push(`body ${JSON.stringify(body)}, expected ${JSON.stringify(want)}`);
    }
  } else if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    problems.push(`body ${JSON.stringify(body)} is not an object`);
  } else {
    const got = body as Record<string, unknown>;
    const wanted = want as Record<string, unknown>;
    for (const key of new Set([...Object.keys(wanted), ...Object.keys(got)])) {
      const a = JSON.stringify(sortedMessages(got[key]));
      const b = JSON.stringify(sortedMessages(wanted[key]));
      if (a !== b) problems.push(`${key}: got ${a}, expected ${b}`);
    }
  }
  // Nothing secret may ever come back.
  if (/\$2[aby]?\$\d\d\$/.test(answer.text)) problems.push('answer holds a bcrypt hash');
  return problems;
};

export interface Mismatch {
  case: RecordedCase;
  answer: Answer;
  problems: string[];
}

/** One mismatch, readable: the request, the oracle's answer and ours. */
export const describeMismatch = ({ case: recorded, answer, problems }: Mismatch): string =>
  [
    `${recorded.id} (${recorded.note}): ${problems.join('; ')}`,
    `  request: ${recorded.method} ${recorded.path} ${JSON.stringify(recorded.headers)} ${JSON.stringify(recorded.body).slice(0, 600)}`,
    `  oracle:  ${recorded.expect.status} ${JSON.stringify(recorded.expect.body).slice(0, 400)}`,
    `  ours:    ${answer.status} ${answer.text.slice(0, 400)}`,
  ].join('\n');
