/** A recorded request of the contract and its expected answer (the shape of the contract's public cases). */
export interface ContractCase {
  id: string;
  note: string;
  method: string;
  path: string;
  replay_path?: string;
  headers?: Record<string, string>;
  body?: string;
  expect: { status: number; body: unknown };
}

const sortedMessages = (value: unknown) => (Array.isArray(value) ? value.map(String).sort() : value);

/**
 * How an answer differs from the recorded one, by the contract's replay rules: the status, every
 * key of the body with its messages in any order, and only the prefix of a JSON parse error.
 */
export const answerProblems = (expected: ContractCase['expect'], status: number, body: unknown): string[] => {
  const problems = status === expected.status ? [] : [`status ${status}, expected ${expected.status}`];
  const want = expected.body as Record<string, unknown> | null;
  if (typeof want?.detail === 'string' && want.detail.startsWith('JSON parse error')) {
    const detail = (body as Record<string, unknown> | null)?.detail;
    if (typeof detail !== 'string' || !detail.startsWith('JSON parse error'))
      problems.push(`body ${JSON.stringify(body)}`);
    return problems;
  }
  if (want === null || typeof want !== 'object' || body === null || typeof body !== 'object') {
    if (JSON.stringify(body) !== JSON.stringify(want))
      problems.push(`body ${JSON.stringify(body)}, expected ${JSON.stringify(want)}`);
    return problems;
  }
  const actual = body as Record<string, unknown>;
  for (const key of new Set([...Object.keys(want), ...Object.keys(actual)])) {
    const got = JSON.stringify(sortedMessages(actual[key]));
    const wanted = JSON.stringify(sortedMessages(want[key]));
    if (got !== wanted) problems.push(`${key}: got ${got}, expected ${wanted}`);
  }
  return problems;
};

/** Replays the cases in order against a running API; the answers' problems by case id, empty when all pass. */
export const replayCases = async (
  baseUrl: string,
  cases: readonly ContractCase[],
): Promise<Record<string, string[]>> => {
  const failures: Record<string, string[]> = {};
  for (const contractCase of cases) {
    const init: RequestInit = { method: contractCase.method, headers: contractCase.headers ?? {} };
    if (!['GET', 'HEAD'].includes(contractCase.method))
      init.body = Buffer.from(contractCase.body ?? '', 'utf8');
    const response = await fetch(baseUrl + (contractCase.replay_path ?? contractCase.path), init);
    const text = await response.text();
    const problems: string[] = [];
    if (!(response.headers.get('content-type') ?? '').includes('application/json')) problems.push('not JSON');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      problems.push('body is not JSON');
    }
    problems.push(...answerProblems(contractCase.expect, response.status, body));
    if (/\$2[aby]?\$\d\d\$/.test(text)) problems.push('answer holds a bcrypt hash');
    if (problems.length > 0) failures[contractCase.id] = problems;
  }
  return failures;
};
