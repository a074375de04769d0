import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
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

type ChildOptions = Parameters<FastifyBaseLogger['child']>[1]

/**
 * A request's logger that becomes a real pino child only when something is logged through it.
 * Fastify gives every request a child logger with its request id; making one serializes (and
 * redacts) the bindings, which showed in CPU profiles of every request although, at the usual
 * production level, almost no request logs anything.
 */
export class LazyChildLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger
  readonly #bindings: Record<string, unknown>
  readonly #options: ChildOptions
  #child: FastifyBaseLogger | undefined

  constructor (parent: FastifyBaseLogger, bindings: Record<string, unknown>, options: ChildOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  #real (): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options)
    return this.#child
  }

  get level (): string { return this.#child?.level ?? this.#options?.level ?? this.#parent.level }
  set level (level: string) { this.#real().level = level }

  fatal (...args: unknown[]): void { this.#log('fatal', args) }
  error (...args: unknown[]): void { this.#log('error', args) }
  warn (...args: unknown[]): void { this.#log('warn', args) }
  info (...args: unknown[]): void { this.#log('info', args) }
  debug (...args: unknown[]): void { this.#log('debug', args) }
  trace (...args: unknown[]): void { this.#log('trace', args) }
  silent (): void {}

  #log (level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', args: unknown[]): void {
    const real = this.#real()
    ;(real[level] as (...values: unknown[]) => void).apply(real, args)
  }

  child (bindings: Record<string, unknown>, options?: ChildOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options)
  }
}

export const lazyChildLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) =>
  new LazyChildLogger(logger, bindings, options)
