import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import { routeLabel } from './http/route-label.js'

/** Everything that can carry a credential, wherever it appears in a log object. */
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.secret'
]

export function loggerOptions (config: Pick<Config, 'NODE_ENV' | 'LOG_LEVEL'>): NonNullable<FastifyServerOptions['logger']> {
  return {
    level: config.LOG_LEVEL,
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(config.NODE_ENV === 'development'
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {})
  }
}

/**
 * One line per request, written when it completes: request id (from the child logger), method,
 * route pattern, status and duration. Fastify's separate "incoming request" line is dropped.
 */
export class RequestLogController extends LogController {
  readonly #completionLines: boolean

  /** `completionLines` false (log level above info) skips building lines nobody will write. */
  constructor (completionLines: boolean) {
    super()
    this.#completionLines = completionLines
  }

  override incomingRequest (): void {}

  override requestCompleted (error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (error == null && !this.#completionLines) return
    const line = {
      method: request.method,
      route: routeLabel(request),
      url: request.url,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100
    }
    if (error != null) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}
