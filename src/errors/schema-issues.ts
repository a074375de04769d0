import { detailSource, fieldError, type FieldError } from './index.js'
import { formatMessages, patternMessages } from '../schemas/input-formats.js'

/** What schema validation (Ajv, through Fastify or directly) reports about one input. */
export interface SchemaIssue {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
  message?: string | undefined
}

const MAX_DETAILS = 50

/** The alternatives a nullable field (`anyOf: [T, null]`) adds when its value fits neither. */
function isNullableNoise (issue: SchemaIssue): boolean {
  return issue.keyword === 'anyOf' || (issue.keyword === 'type' && issue.params.type === 'null')
}

/**
 * A bad value for a nullable field fails every branch of its union; one detail says what is wrong
 * ("must NOT have more than 200 characters", "must be string or null"), not three.
 */
function withoutNullableNoise (validation: SchemaIssue[]): SchemaIssue[] {
  const specific = new Set(validation.filter((issue) => !isNullableNoise(issue)).map((issue) => issue.instancePath))
  const nullable = new Set(validation.filter((issue) => issue.keyword === 'type' && issue.params.type === 'null').map((issue) => issue.instancePath))
  return validation
    .filter((issue) => !(isNullableNoise(issue) && specific.has(issue.instancePath)))
    .map((issue) => issue.keyword === 'type' && issue.params.type !== 'null' && nullable.has(issue.instancePath)
      ? { ...issue, keyword: 'nullableType', message: `must be ${String(issue.params.type)} or null` }
      : issue)
}

/** One detail per field: the first complaint (a bad date-time fails both its format and its pattern). */
export function fieldErrors (validation: SchemaIssue[]): FieldError[] {
  const seen = new Set<string>()
  return withoutNullableNoise(validation).map((issue) => {
    const params = issue.params
    let field = issue.instancePath
    let message = issue.message ?? 'is invalid'
    if (issue.keyword === 'required') field += `/${String(params.missingProperty)}`
    if (issue.keyword === 'additionalProperties') {
      field += `/${String(params.additionalProperty)}`
      message = 'is not an allowed property'
    }
    if (issue.keyword === 'enum' && Array.isArray(params.allowedValues)) message = `must be one of: ${params.allowedValues.join(', ')}`
    if (field === '') field = '/'
    // What the pattern or format expects, in words and with an example, never the expression.
    const expected = issue.keyword === 'pattern'
      ? patternMessages.get(String(params.pattern)) ?? 'otherPattern'
      : issue.keyword === 'format' ? formatMessages.get(String(params.format)) : undefined
    if (expected !== undefined) return fieldError(field, expected)
    const detail: FieldError = { field, message, [detailSource]: { kind: 'validation', keyword: issue.keyword, params } }
    return detail
  }).filter((detail) => {
    if (seen.has(detail.field)) return false
    seen.add(detail.field)
    return true
  }).slice(0, MAX_DETAILS)
}
