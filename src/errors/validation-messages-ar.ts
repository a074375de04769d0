/**
 * Schema validation's messages in Arabic, by Ajv keyword (and this API's own keywords, see
 * src/validation.ts): what a detail says when the client asks for Arabic. `params` are Ajv's.
 */
type Params = Record<string, unknown>

const text = (value: unknown): string => Array.isArray(value) ? value.join('، ') : String(value)

const typeNames: Record<string, string> = {
  string: 'نصًا', integer: 'عددًا صحيحًا', number: 'عددًا', boolean: 'قيمة منطقية (true أو false)', object: 'كائنًا', array: 'مصفوفة', null: 'null'
}

const formatNames: Record<string, string> = {
  uuid: 'معرّف UUID من 36 محرفًا، مثل 0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b',
  'date-time': 'تاريخًا ووقتًا وفق RFC 3339، مثل 2026-12-01T17:00:00Z',
  email: 'عنوان بريد إلكتروني، مثل name@example.com',
  uri: 'عنوان URL كاملًا، مثل https://example.com/hooks',
  iso4217: 'رمز عملة وفق ISO 4217، مثل LBP أو USD'
}

export const validationMessagesAr: Record<string, (params: Params) => string> = {
  required: () => 'مطلوب',
  additionalProperties: () => 'ليس خاصية مسموحًا بها',
  type: (params) => `يجب أن يكون ${text(params.type).split(',').map((type) => typeNames[type] ?? type).join(' أو ')}`,
  nullableType: (params) => `يجب أن يكون ${typeNames[text(params.type)] ?? text(params.type)} أو null`,
  minLength: (params) => `يجب ألا يقل عن ${text(params.limit)} محرف`,
  maxLength: (params) => `يجب ألا يزيد على ${text(params.limit)} محرف`,
  minimum: (params) => `يجب أن يكون ${text(params.limit)} أو أكثر`,
  maximum: (params) => `يجب أن يكون ${text(params.limit)} أو أقل`,
  exclusiveMinimum: (params) => `يجب أن يكون أكبر من ${text(params.limit)}`,
  exclusiveMaximum: (params) => `يجب أن يكون أصغر من ${text(params.limit)}`,
  minItems: (params) => `يجب ألا يقل عن ${text(params.limit)} عنصر`,
  maxItems: (params) => `يجب ألا يزيد على ${text(params.limit)} عنصر`,
  uniqueItems: () => 'يجب ألا تتكرر عناصره',
  minProperties: (params) => `يجب أن يحوي ${text(params.limit)} خاصية على الأقل`,
  enum: (params) => `يجب أن يكون أحد: ${text(params.allowedValues)}`,
  const: (params) => `يجب أن يساوي ${text(params.allowedValue)}`,
  format: (params) => `يجب أن يكون ${formatNames[text(params.format)] ?? `بالصيغة ${text(params.format)}`}`,
  pattern: () => 'ليس بالصيغة المطلوبة',
  multipleOf: (params) => `يجب أن يكون من مضاعفات ${text(params.multipleOf)}`,
  safeText: () => 'يجب أن يكون نصًا سليمًا: بلا محرف NUL ولا محارف Unicode غير مكتملة',
  notBlank: () => 'يجب ألا يكون فارغًا',
  finite: () => 'يجب أن يكون عددًا منتهيًا'
}
