import { arabicCatalogue } from './catalogue-ar.js'
import { fieldMessages } from './field-messages.js'
import { detailSource, fill, messageOf, type AppError, type FieldError } from './index.js'
import { validationMessagesAr } from './validation-messages-ar.js'

/** The languages error messages are written in; English unless the client asks for another. */
export const languages = ['en', 'ar'] as const
export type Language = typeof languages[number]

const MAX_RANGES = 20

/**
 * The language an Accept-Language header prefers among those the API speaks (RFC 9110 §12.5.4:
 * the highest q wins, ties in the order given; `ar-LB` matches `ar`, `*` matches English).
 * English when absent, unparsable or nothing matches.
 */
export function preferredLanguage (header: string | undefined): Language {
  if (header === undefined || header === '') return 'en'
  let best: Language = 'en'
  let bestQuality = 0
  for (const range of header.split(',').slice(0, MAX_RANGES)) {
    const [tag = '', ...parameters] = range.trim().toLowerCase().split(';')
    const qualityParameter = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith('q='))
    const quality = qualityParameter === undefined ? 1 : Number(qualityParameter.slice(2))
    if (!Number.isFinite(quality) || quality <= bestQuality) continue
    const primary = tag.trim().split('-')[0]
    const language = primary === '*' ? 'en' : languages.find((known) => known === primary)
    if (language === undefined) continue
    best = language
    bestQuality = quality
  }
  return best
}

function arabicDetail (detail: FieldError): FieldError {
  const source = detail[detailSource]
  if (source === undefined) return detail
  const message = source.kind === 'field'
    ? fill(fieldMessages[source.key].ar, source.params)
    : validationMessagesAr[source.keyword]?.(source.params)
  return message === undefined ? detail : { ...detail, message }
}

/** The message and details of an error in `language` (codes, fields and facts unchanged). */
export function localized (error: AppError, language: Language): { message: string, details: FieldError[] | null } {
  if (language === 'en') return { message: error.message, details: error.details }
  return { message: messageOf(arabicCatalogue[error.code], error.reason, error.params), details: error.details?.map(arabicDetail) ?? null }
}
