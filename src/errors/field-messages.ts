/**
 * What a detail (`{ field, message }`) says, in every language the API speaks, for the checks the
 * services make; schema validation's messages are Ajv's in English and ./validation-messages-ar.ts
 * in Arabic. `{name}` is filled from the detail's params.
 */
export const fieldMessages = {
  requiredWithCurrentPassword: { en: 'is required with current_password', ar: 'مطلوب مع current_password' },
  requiredToChangePassword: { en: 'is required to change the password', ar: 'مطلوب لتغيير كلمة المرور' },
  incorrectPassword: { en: 'is incorrect', ar: 'غير صحيحة' },
  unknownEventType: { en: 'names an event type that does not exist (see the Event schema\'s type)', ar: 'يسمّي نوع حدث غير موجود (انظر الحقل type في مخطط Event)' },
  repeatedProduct: { en: 'repeats {first}; send one line per product with the total quantity', ar: 'يكرر {first}؛ أرسل سطرًا واحدًا لكل منتج بالكمية الإجمالية' },
  unknownProduct: { en: 'no product with this id exists in this tenant', ar: 'لا يوجد منتج بهذا المعرّف في هذا المستأجر' },
  otherCurrency: { en: 'is priced in {other}, but the order is in {currency} (from /items/0)', ar: 'مسعّر بالعملة {other}، لكن الطلب بالعملة {currency} (من /items/0)' },
  onlyInStock: { en: 'only {stock} in stock', ar: 'المتوفر في المخزون {stock} فقط' },
  notCountryCode: { en: 'is not an ISO 3166-1 alpha-2 country code (e.g. LB)', ar: 'ليس رمز بلد وفق ISO 3166-1 alpha-2 (مثل LB)' },
  notTimeZone: { en: 'is not an IANA time zone (e.g. Asia/Beirut)', ar: 'ليس منطقة زمنية من قاعدة IANA (مثل Asia/Beirut)' },
  notAMember: { en: 'is not a member of this tenant', ar: 'ليس عضوًا في هذا المستأجر' },
  webhookUrlRefused: { en: '{reason}', ar: 'العنوان غير مسموح: {reason}' },

  // What a pattern or format expects, instead of the regular expression (src/schemas/input-formats.ts).
  slug: { en: 'must be lower-case letters and digits in words joined by single dashes, e.g. hot-drinks', ar: 'يجب أن يتألف من حروف لاتينية صغيرة وأرقام في كلمات تصل بينها شرطة واحدة، مثل hot-drinks' },
  email: { en: 'must be an email address, e.g. name@example.com', ar: 'يجب أن يكون عنوان بريد إلكتروني، مثل name@example.com' },
  instant: { en: 'must be an RFC 3339 date-time with a time zone offset (Z or +hh:mm) in years 1000 to 9998, e.g. 2026-12-01T17:00:00Z', ar: 'يجب أن يكون تاريخًا ووقتًا وفق RFC 3339 مع فرق التوقيت (Z أو +hh:mm) بين العامين 1000 و9998، مثل 2026-12-01T17:00:00Z' },
  currencyCode: { en: 'must be an ISO 4217 currency code in capitals, e.g. LBP or USD', ar: 'يجب أن يكون رمز عملة وفق ISO 4217 بحروف كبيرة، مثل LBP أو USD' },
  countryCode: { en: 'must be an ISO 3166-1 alpha-2 country code in capitals, e.g. LB', ar: 'يجب أن يكون رمز بلد وفق ISO 3166-1 alpha-2 بحروف كبيرة، مثل LB' },
  uuid: { en: 'must be a UUID of 36 characters, e.g. 0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b', ar: 'يجب أن يكون معرّف UUID من 36 محرفًا، مثل 0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b' },
  visibleAscii: { en: 'must be 1 to 255 visible ASCII characters without spaces, e.g. a UUID', ar: 'يجب أن يتألف من 1 إلى 255 محرف ASCII مرئي بلا مسافات، مثل معرّف UUID' },
  eventId: { en: 'must be an event id: digits only, e.g. 42', ar: 'يجب أن يكون معرّف حدث: أرقام فقط، مثل 42' },
  eventTypePattern: { en: 'must be an event type or a resource followed by .*, e.g. order.paid or product.*', ar: 'يجب أن يكون نوع حدث أو اسم مورد يليه .*، مثل order.paid أو product.*' },
  notBlankText: { en: 'must not be blank', ar: 'يجب ألا يكون فارغًا' },
  otherPattern: { en: 'is not in the expected form (see the field in the API description)', ar: 'ليس بالشكل المطلوب (انظر الحقل في وصف الواجهة)' }
} as const satisfies Record<string, { en: string, ar: string }>

export type FieldMessageKey = keyof typeof fieldMessages
