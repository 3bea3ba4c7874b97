import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** Every error response has this shape; `error` is a stable code, `message` is for people. */
export interface ErrorBody {
  error: string
  message: string
}

export function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message } satisfies ErrorBody)
}

const ERROR_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  414: 'uri-too-long',
  409: 'conflict',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
}

/** Our words for Fastify's own errors, whose English messages may quote the URL (and a token in it). */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'Ongeldig adres.',
  FST_ERR_MAX_PARAM_LENGTH: 'Het adres is te lang.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'De inhoud is geen geldige JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'De inhoud is leeg, maar er werd JSON verwacht.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Het verzoek is te groot.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Dit soort inhoud wordt hier niet aangenomen.',
}
const STATUS_MESSAGES: Record<number, string> = {
  400: 'Ongeldig verzoek.',
  404: 'Niet gevonden.',
  405: 'Deze methode is hier niet toegestaan.',
  413: 'Het verzoek is te groot.',
  414: 'Het adres is te lang.',
  415: 'Dit soort inhoud wordt hier niet aangenomen.',
  429: 'Te veel verzoeken. Probeer het zo opnieuw.',
}
const FALLBACK_MESSAGE = 'Het verzoek kon niet worden verwerkt.'

function clientStatus(error: FastifyError): number {
  const status = error.statusCode ?? 400
  return status >= 400 && status < 500 ? status : 400
}

/** A fixed Dutch message for an error of Fastify itself; never its own text. */
function frameworkMessage(error: FastifyError, status: number): string {
  return FRAMEWORK_MESSAGES[error.code] ?? STATUS_MESSAGES[status] ?? FALLBACK_MESSAGE
}

/** True when `message` repeats any part of the request's URL after the path's first segment (a token, an id). */
function quotesUrl(message: string, url: string): boolean {
  const query = url.indexOf('?')
  if (query !== -1 && query + 1 < url.length && message.includes(url.slice(query + 1))) return true
  return url.length > 1 && message.includes(query === -1 ? url : url.slice(0, query))
}

/**
 * Fastify's `frameworkErrors` option: a bad percent-encoding (`/api/boards/%c0%ae`) or an
 * over-long parameter, found before any route runs. Fastify's default answer quotes the whole
 * URL, query string and token included.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = clientStatus(error)
  request.log.info({ code: error.code }, 'refusing request: bad url')
  sendError(reply, status, ERROR_CODES[status] ?? 'bad-request', frameworkMessage(error, status))
}

/** JSON errors with a proper status, never a stack trace nor the request's URL; 5xx details go to the log only. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      // Ajv names the field and the rule, never the value.
      return sendError(reply, 400, 'bad-request', `Ongeldige invoer: ${error.message}`)
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const fromFastify = typeof error.code === 'string' && error.code.startsWith('FST_')
      const message = fromFastify || quotesUrl(error.message, request.url) ? frameworkMessage(error, status) : error.message
      return sendError(reply, status, ERROR_CODES[status] ?? 'client-error', message)
    }
    request.log.error({ err: error }, 'request failed')
    return sendError(reply, 500, 'internal', 'Er ging iets mis op de server.')
  })
}
