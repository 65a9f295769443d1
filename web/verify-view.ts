/// <reference lib="dom" />
/**
 * The page a verification mail links to, `/verify#token=…`: the token stays in the fragment, so it
 * reaches no server log; the customer types the password chosen at signup, and the API makes the
 * account active.
 */
import { messages } from '../functions/core/rules/messages.ts';
import { brand } from './brand.ts';
import { friendlyFieldMessage, friendlyFormMessage } from './friendly-messages.ts';
import {
  answerFields,
  element,
  messagesOf,
  NETWORK_FAILURE,
  postJson,
  showMessages,
  unexpectedAnswer,
} from './page-elements.ts';

const view = element('verify-view', HTMLElement);
const form = element('verify-form', HTMLFormElement);
const password = element('verify-password', HTMLInputElement);
const passwordErrors = element('verify-password-errors', HTMLElement);
const submitButton = element('verify-submit', HTMLButtonElement);
const formErrors = element('verify-errors', HTMLElement);
const success = element('verify-success', HTMLElement);
const successTitle = element('verified-title', HTMLElement);
const successEmail = element('verified-email', HTMLElement);

/** The token from the link's fragment, `#token=…`, if it has one. */
const tokenFromFragment = (): string | undefined =>
  new URLSearchParams(window.location.hash.slice(1)).get('token') || undefined;

const setPending = (busy: boolean) => {
  submitButton.disabled = busy;
  submitButton.textContent = busy ? 'Confirming…' : 'Confirm my address';
  form.setAttribute('aria-busy', String(busy));
};

const clearMessages = () => {
  formErrors.replaceChildren();
  passwordErrors.replaceChildren();
  password.removeAttribute('aria-invalid');
};

const showVerified = (customer: Record<string, unknown>) => {
  successEmail.textContent = typeof customer.email === 'string' ? customer.email : '';
  view.hidden = true;
  success.hidden = false;
  document.title = `Address confirmed · ${brand.productName}`;
  successTitle.focus();
};

/** The signup page, at the root of the page's origin. */
const signUpAgainLink = () => {
  const paragraph = document.createElement('p');
  const link = document.createElement('a');
  link.href = '/';
  link.textContent = 'Sign up again';
  paragraph.append(link);
  return paragraph;
};

/** The password's messages beside it; the link's, and anything else, at the top. */
const showErrors = (status: number, answer: unknown) => {
  const top: string[] = [];
  for (const [key, value] of Object.entries(answerFields(answer))) {
    const texts = messagesOf(value).map((message) =>
      key === 'password' || key === 'token'
        ? friendlyFieldMessage(key, message, 'verify').text
        : friendlyFormMessage(status, message),
    );
    if (key === 'password') {
      passwordErrors.replaceChildren(
        ...texts.map((text) => {
          const item = document.createElement('li');
          item.textContent = text;
          return item;
        }),
      );
      password.setAttribute('aria-invalid', 'true');
    } else top.push(...texts);
  }
  if (top.length > 0 || password.getAttribute('aria-invalid') !== 'true') {
    showMessages(formErrors, top.length > 0 ? top : [unexpectedAnswer(status)]);
    // A dead link cannot be mended here: a new signup sends a new one.
    if (Object.hasOwn(answerFields(answer), 'token')) formErrors.append(signUpAgainLink());
  } else password.focus();
};

const verify = async (verifyUrl: string, token: string) => {
  clearMessages();
  setPending(true);
  const result = await postJson(verifyUrl, { token, password: password.value });
  setPending(false);
  if (result === undefined) showMessages(formErrors, [NETWORK_FAILURE]);
  else if (result.status === 200) showVerified(answerFields(result.answer));
  else showErrors(result.status, result.answer);
};

/** Shows the verify view in place of the signup's; a link without its token says so at once. */
export const startVerifyView = ({ verifyUrl, hide }: { verifyUrl: string; hide: HTMLElement }) => {
  hide.hidden = true;
  view.hidden = false;
  document.title = `Confirm your email address · ${brand.productName}`;
  const token = tokenFromFragment();
  if (token === undefined) {
    showMessages(formErrors, [friendlyFieldMessage('token', messages.required, 'verify').text]);
    return;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!submitButton.disabled) void verify(verifyUrl, token);
  });
  form.hidden = false;
  password.focus();
};
