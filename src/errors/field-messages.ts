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
  webhookUrlRefused: { en: '{reason}', ar: 'العنوان غير مسموح: {reason}' }
} as const satisfies Record<string, { en: string, ar: string }>

export type FieldMessageKey = keyof typeof fieldMessages
