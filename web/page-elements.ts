/// <reference lib="dom" />

/** The page's element with this id, of this type: a page without it is a mistake of index.html. */
export const element = <T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T => {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page has no #${id}`);
  return found;
};

/** Paragraphs of text in a box of messages, focused so that screen readers read them out. */
export const showMessages = (box: HTMLElement, messages: string[]) => {
  box.replaceChildren(
    ...messages.map((message) => {
      const paragraph = document.createElement('p');
      paragraph.textContent = message;
      return paragraph;
    }),
  );
  if (messages.length > 0) box.focus();
};

export const NETWORK_FAILURE = 'We could not reach the server. Check your connection and try again.';
export const unexpectedAnswer = (status: number) =>
  `Something went wrong on our side (HTTP ${status}). Please try again in a moment.`;

/** The API's answer: its status and JSON, or `undefined` when the server could not be reached. */
export const postJson = async (
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; answer: unknown } | undefined> => {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  } catch {
    return undefined;
  }
  return { status: response.status, answer: await response.json().catch(() => undefined) };
};

/** The messages of one key of an answer, as a list of strings. */
export const messagesOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : [String(value)];

/** The answer as an object of keys, or an empty one. */
export const answerFields = (answer: unknown): Record<string, unknown> =>
  typeof answer === 'object' && answer !== null && !Array.isArray(answer)
    ? (answer as Record<string, unknown>)
    : {};
