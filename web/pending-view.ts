/// <reference lib="dom" />
/**
 * "Check your inbox": after a signup that must confirm its address, where the link went (masked)
 * and a button for another link, which the API allows once a minute per address.
 */
import { maskAddress } from '../functions/core/mask-address.ts';
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

/** The API sends at most one link a minute per address: the button waits as long after each send. */
export const RESEND_WAIT_MS = 60_000;

const pending = element('signup-pending', HTMLElement);
const title = element('pending-title', HTMLElement);
const text = element('pending-text', HTMLElement);
const address = element('pending-address', HTMLElement);
const resendButton = element('resend', HTMLButtonElement);
const resendErrors = element('resend-errors', HTMLElement);
const resendStatus = element('resend-status', HTMLElement);
const resendWait = element('resend-wait', HTMLElement);

let waitTimer: ReturnType<typeof setInterval> | undefined;

/** The button is disabled until a minute after the last send, and says how long is left. */
const waitBeforeNextSend = () => {
  const until = Date.now() + RESEND_WAIT_MS;
  clearInterval(waitTimer);
  resendButton.disabled = true;
  const tick = () => {
    const seconds = Math.ceil((until - Date.now()) / 1000);
    if (seconds > 0) {
      resendWait.textContent = `You can ask for another link in ${seconds} s.`;
      return;
    }
    clearInterval(waitTimer);
    resendWait.textContent = '';
    resendButton.disabled = false;
  };
  tick();
  waitTimer = setInterval(tick, 1000);
};

const resend = async (resendUrl: string, email: string) => {
  resendErrors.replaceChildren();
  resendStatus.textContent = '';
  resendButton.disabled = true;
  const result = await postJson(resendUrl, { email });
  if (result === undefined) {
    resendButton.disabled = false;
    showMessages(resendErrors, [NETWORK_FAILURE]);
    return;
  }
  const fields = answerFields(result.answer);
  if (result.status === 202) {
    resendStatus.textContent = typeof fields.detail === 'string' ? fields.detail : '';
    waitBeforeNextSend();
    return;
  }
  resendButton.disabled = false;
  const messages = Object.entries(fields).flatMap(([key, value]) =>
    messagesOf(value).map((message) =>
      key === 'email'
        ? friendlyFieldMessage('email', message, 'resend').text
        : friendlyFormMessage(result.status, message),
    ),
  );
  showMessages(resendErrors, messages.length > 0 ? messages : [unexpectedAnswer(result.status)]);
};

/**
 * Shows where the link went in place of the signup: `detail` is the API's own words when it
 * answered 202 (it does not say whether the address already had an account).
 */
export const showPending = ({
  email,
  detail,
  resendUrl,
  hide,
}: {
  email: string;
  detail: string | undefined;
  resendUrl: string;
  hide: HTMLElement;
}) => {
  text.textContent = detail ?? 'Open the link in the email we just sent to finish creating your account.';
  address.textContent = maskAddress(email);
  resendButton.addEventListener('click', () => {
    if (!resendButton.disabled) void resend(resendUrl, email);
  });
  hide.hidden = true;
  pending.hidden = false;
  document.title = `Check your inbox · ${brand.productName}`;
  // A mail just went out: the next one may be asked for in a minute.
  waitBeforeNextSend();
  title.focus();
};
