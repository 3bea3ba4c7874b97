import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'

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
  409: 'conflict',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
}

/** JSON errors with a proper status, never a stack trace; 5xx details go to the log only. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      return sendError(reply, 400, 'bad-request', `Ongeldige invoer: ${error.message}`)
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return sendError(reply, status, ERROR_CODES[status] ?? 'client-error', error.message)
    }
    request.log.error({ err: error }, 'request failed')
    return sendError(reply, 500, 'internal', 'Er ging iets mis op de server.')
  })
}
