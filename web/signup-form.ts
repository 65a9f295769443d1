/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The signup page's behaviour: posts the form to the API as JSON (from another origin, so the
 * browser preflights it), shows each field's messages beside that field in the page's words, the
 * rest at the top, and the welcome in place of the form, or where the confirmation link went when
 * the address must be confirmed. On `/verify` it is the page the confirmation link opens.
 */
import { messages } from '../functions/core/rules/messages.ts';
import { type PersonalAttribute, passwordProblems } from '../functions/core/rules/password.ts';
import { pythonStrip } from '../functions/core/rules/python-text.ts';
import { routePaths } from '../functions/http/route-paths.ts';
import { brand } from './brand.ts';
import { friendlyFieldMessage, friendlyFormMessage } from './friendly-messages.ts';
import { element, messagesOf, NETWORK_FAILURE, showMessages, unexpectedAnswer } from './page-elements.ts';
import { showPending } from './pending-view.ts';
import { startVerifyView } from './verify-view.ts';

/** The path the confirmation mail's link opens (VERIFY_URL), on the page's own origin. */
const VERIFY_PAGE_PATH = '/verify';

/** Whether a signup must confirm its address: the server serving the page says so in a meta tag. */
const verificationRequired =
  document.querySelector<HTMLMetaElement>('meta[name="email-verification"]')?.content === 'required';

const form = element('signup-form', HTMLFormElement);
const signupView = element('signup-view', HTMLElement);
const submitButton = element('signup-submit', HTMLButtonElement);
const formErrors = element('form-errors', HTMLElement);
const success = element('signup-success', HTMLElement);
const successTitle = element('success-title', HTMLElement);
const successEmail = element('success-email', HTMLElement);
const password = element('password', HTMLInputElement);
const password2 = element('password2', HTMLInputElement);
const showPassword = element('show-password', HTMLButtonElement);
const passwordHint = element('password-hint', HTMLElement);

const inputs = () => [...form.querySelectorAll<HTMLInputElement>('input[name]')];
const errorListOf = (input: HTMLInputElement) => document.getElementById(`${input.id}-errors`);
const fieldValue = (name: string) => {
  const input = form.elements.namedItem(name);
  return input instanceof HTMLInputElement ? input.value : '';
};

const requestBody = (): string => {
  const fields: Record<string, string> = {};
  for (const input of inputs()) {
    // An optional field left empty is not sent: the API would read "" as a wrong date.
    if (input.value === '' && !input.required) continue;
    fields[input.name] = input.value;
  }
  return JSON.stringify(fields);
};

/** The password the API last called too common: the one rule the page cannot check itself. */
let refusedAsCommon: string | undefined;

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

const signInLink = (text: string) => {
  const link = document.createElement('a');
  link.href = brand.signInUrl;
  link.textContent = text;
  return link;
};

const fieldMessageItem = (field: string, apiMessage: string) => {
  const { text, offerSignIn } = friendlyFieldMessage(field, apiMessage);
  const item = document.createElement('li');
  item.textContent = text;
  if (offerSignIn) item.append(' ', signInLink('Sign in instead'));
  return item;
};

const showFormMessages = (messages: string[]) => showMessages(formErrors, messages);

/** One of the API's routes, on the API's origin: `form.action` is the signup's URL. */
const apiUrl = (path: string) => new URL(path, form.action).href;

/** Field errors beside their fields; `non_field_errors`, `detail` and anything else at the top. */
const showErrors = (answer: unknown, status: number) => {
  const formMessages: string[] = [];
  if (typeof answer === 'object' && answer !== null && !Array.isArray(answer)) {
    for (const [key, value] of Object.entries(answer)) {
      const input = form.elements.namedItem(key);
      const errorList = input instanceof HTMLInputElement ? errorListOf(input) : null;
      if (input instanceof HTMLInputElement && errorList) {
        if (input === password && messagesOf(value).includes(messages.passwordTooCommon)) {
          refusedAsCommon = password.value;
          updatePasswordHint();
        }
        errorList.replaceChildren(...messagesOf(value).map((message) => fieldMessageItem(key, message)));
        input.setAttribute('aria-invalid', 'true');
      } else {
        formMessages.push(...messagesOf(value).map((message) => friendlyFormMessage(status, message)));
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

/** The welcome replaces the whole signup view: the form is done with. */
const showSuccess = (customer: { first_name?: unknown; email?: unknown }) => {
  const firstName = typeof customer.first_name === 'string' ? customer.first_name : '';
  successTitle.textContent = firstName === '' ? 'Welcome aboard!' : `Welcome aboard, ${firstName}!`;
  successEmail.textContent = typeof customer.email === 'string' ? customer.email : fieldValue('email');
  signupView.hidden = true;
  success.hidden = false;
  document.title = `Welcome · ${brand.productName}`;
  successTitle.focus();
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
  const found =
    typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : undefined;
  if (found !== undefined && (response.status === 202 || (response.status === 201 && verificationRequired))) {
    showPending({
      email: typeof found.email === 'string' ? found.email : pythonStrip(fieldValue('email')),
      detail: response.status === 202 && typeof found.detail === 'string' ? found.detail : undefined,
      resendUrl: apiUrl(routePaths.resend),
      hide: signupView,
    });
  } else if (response.status === 201 && found !== undefined) showSuccess(found);
  else showErrors(answer, response.status);
};

/**
 * The password rules the page can check as the customer types: all but the common-password list,
 * which only the API holds. The similarity is Django's own rule, on the names and address as typed.
 */
const passwordRuleStates = (): Record<string, boolean> => {
  const attributes: PersonalAttribute[] = [
    { name: 'first name', value: pythonStrip(fieldValue('first_name')) },
    { name: 'last name', value: pythonStrip(fieldValue('last_name')) },
    { name: 'email address', value: pythonStrip(fieldValue('email')) },
  ];
  const problems = passwordProblems(password.value, attributes, () => false);
  return {
    ...(password.value === refusedAsCommon ? { common: false } : {}),
    length: !problems.includes(messages.passwordTooShort),
    numeric: !problems.includes(messages.passwordNumeric),
    similar: !attributes.some(({ name }) => problems.includes(messages.passwordTooSimilar(name))),
    bytes: !problems.includes(messages.passwordTooLong),
  };
};

const updatePasswordHint = () => {
  const states = password.value === '' ? {} : passwordRuleStates();
  for (const item of passwordHint.querySelectorAll<HTMLElement>('li[data-rule]')) {
    const met = states[item.dataset.rule ?? ''];
    if (met === undefined) item.removeAttribute('data-met');
    else item.dataset.met = String(met);
  }
};

/** As GOV.UK's password input does: the button says what it will do next, in full to screen readers. */
const togglePasswordVisibility = () => {
  const show = password.type === 'password';
  for (const input of [password, password2]) input.type = show ? 'text' : 'password';
  showPassword.textContent = show ? 'Hide' : 'Show';
  showPassword.setAttribute('aria-label', show ? 'Hide passwords' : 'Show passwords');
};

if (window.location.pathname === VERIFY_PAGE_PATH) {
  startVerifyView({ verifyUrl: apiUrl(routePaths.verify), hide: signupView });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  // Password managers offer to save what they see submitted as a password field.
  if (password.type !== 'password') togglePasswordVisibility();
  // Enter in a field submits too: one request at a time.
  if (!submitButton.disabled) void submit();
});
form.addEventListener('input', updatePasswordHint);
showPassword.addEventListener('click', togglePasswordVisibility);
// The form works only with this script: without it, the page says so instead (index.html).
form.hidden = window.location.pathname === VERIFY_PAGE_PATH;
