/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The signup page's behaviour: posts the form to the API as JSON (from another origin, so the
 * browser preflights it) and shows each field's messages beside that field, the rest at the top.
 */

const NETWORK_FAILURE = 'We could not reach the server. Check your connection and try again.';
const unexpectedAnswer = (status: number) =>
  `Something went wrong on our side (HTTP ${status}). Please try again in a moment.`;

const element = <T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T => {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page has no #${id}`);
  return found;
};

const form = element('signup-form', HTMLFormElement);
const submitButton = element('signup-submit', HTMLButtonElement);
const formErrors = element('form-errors', HTMLElement);
const success = element('signup-success', HTMLElement);
const slug = element('signup-slug', HTMLElement);

const inputs = () => [...form.querySelectorAll<HTMLInputElement>('input[name]')];
const errorListOf = (input: HTMLInputElement) => document.getElementById(`${input.id}-errors`);

const requestBody = (): string => {
  const fields: Record<string, string> = {};
  for (const input of inputs()) {
    // An optional field left empty is not sent: the API would read "" as a wrong date.
    if (input.value === '' && !input.required) continue;
    fields[input.name] = input.value;
  }
  return JSON.stringify(fields);
};

/** One key per body, so that resending the same signup after a lost answer replays it instead of failing as a duplicate. */
let lastAttempt: { body: string; key: string } | undefined;
const idempotencyKey = (body: string): string => {
  if (lastAttempt?.body !== body) lastAttempt = { body, key: crypto.randomUUID() };
  return lastAttempt.key;
};

const setPending = (pending: boolean) => {
  submitButton.disabled = pending;
  submitButton.textContent = pending ? 'Creating your account…' : 'Create account';
  form.setAttribute('aria-busy', String(pending));
};

const clearMessages = () => {
  formErrors.replaceChildren();
  for (const input of inputs()) {
    input.removeAttribute('aria-invalid');
    errorListOf(input)?.replaceChildren();
  }
};

const textElement = (tag: 'li' | 'p', text: string) => {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
};

const showFormMessages = (messages: string[]) => {
  formErrors.replaceChildren(...messages.map((message) => textElement('p', message)));
  formErrors.focus();
};

const messagesOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)]);

/** Field errors beside their fields; `non_field_errors`, `detail` and anything else at the top. */
const showErrors = (answer: unknown, status: number) => {
  const formMessages: string[] = [];
  if (typeof answer === 'object' && answer !== null && !Array.isArray(answer)) {
    for (const [key, value] of Object.entries(answer)) {
      const input = form.elements.namedItem(key);
      const errorList = input instanceof HTMLInputElement ? errorListOf(input) : null;
      if (input instanceof HTMLInputElement && errorList) {
        errorList.replaceChildren(...messagesOf(value).map((message) => textElement('li', message)));
        input.setAttribute('aria-invalid', 'true');
      } else {
        formMessages.push(...messagesOf(value));
      }
    }
  }
  const firstInvalid = form.querySelector<HTMLInputElement>('[aria-invalid="true"]');
  if (formMessages.length > 0 || firstInvalid === null) {
    showFormMessages(formMessages.length > 0 ? formMessages : [unexpectedAnswer(status)]);
  } else {
    firstInvalid.focus();
  }
};

const showSuccess = (customerSlug: string) => {
  slug.textContent = customerSlug;
  form.hidden = true;
  success.hidden = false;
  success.focus();
};

const submit = async () => {
  clearMessages();
  setPending(true);
  const body = requestBody();
  let response: Response;
  try {
    // `form.action` is the API's URL, absolute once the page is served beside an API.
    response = await fetch(form.action, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Idempotency-Key': idempotencyKey(body),
      },
      body,
    });
  } catch {
    setPending(false);
    showFormMessages([NETWORK_FAILURE]);
    return;
  }
  const answer: unknown = await response.json().catch(() => undefined);
  setPending(false);
  const createdSlug = (answer as { slug?: unknown } | undefined)?.slug;
  if (response.status === 201 && typeof createdSlug === 'string') showSuccess(createdSlug);
  else showErrors(answer, response.status);
};

form.addEventListener('submit', (event) => {
  event.preventDefault();
  // Enter in a field submits too: one request at a time.
  if (!submitButton.disabled) void submit();
});
