/**
 * Django REST framework's choice of parser for a Content-Type: JSON, then a urlencoded form, with
 * its own reading of media types and wildcards.
 */

/** What HTTP assumes of a body sent without a Content-Type. */
export const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

interface MediaType {
  main: string;
  sub: string;
}

/** Django REST framework's reading: the type before the parameters, split at its first slash only. */
const parseMediaType = (value: string): MediaType => {
  const type = (value.split(';')[0] ?? '').trim().toLowerCase();
  const slash = type.indexOf('/');
  return slash < 0 ? { main: type, sub: '' } : { main: type.slice(0, slash), sub: type.slice(slash + 1) };
};

/** Django REST framework's media-type match, wildcards included. */
const accepts = (parser: MediaType, request: MediaType): boolean =>
  (parser.sub === request.sub || request.sub === '*') &&
  (parser.main === request.main || request.main === '*');

const JSON_MEDIA_TYPE = parseMediaType('application/json');
const FORM_MEDIA_TYPE = parseMediaType('application/x-www-form-urlencoded');

/** The parser for a Content-Type, tried in Django REST framework's order: JSON, then form; none for any other. */
export const parserFor = (contentType: string): 'json' | 'form' | undefined => {
  const mediaType = parseMediaType(contentType);
  if (accepts(JSON_MEDIA_TYPE, mediaType)) return 'json';
  if (accepts(FORM_MEDIA_TYPE, mediaType)) return 'form';
  return undefined;
};
