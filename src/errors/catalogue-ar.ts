import type { errorCatalogue, ErrorCode } from './catalogue.js'

/** An entry's messages in another language: its message, and every reason it has. */
type Translated<E> = E extends { reasons: infer R } ? { message: string, reasons: { readonly [K in keyof R]: string } } : { message: string }

/** The catalogue in one more language: the compiler refuses a missing code or reason. */
export type CatalogueTranslation = { readonly [C in ErrorCode]: Translated<(typeof errorCatalogue)[C]> }

/**
 * Arabic (Modern Standard), for the shops in Lebanon and the Gulf. Codes, field names, header
 * names and `{placeholders}` stay as they are: clients key on them.
 */
export const arabicCatalogue: CatalogueTranslation = {
  INVALID_JSON: { message: 'متن الطلب ليس JSON صالحًا.' },
  INVALID_CURSOR: { message: 'المؤشر (cursor) غير صالح أو لم يصدر عن هذه الواجهة؛ ابدأ من جديد بدونه.' },
  BAD_REQUEST: {
    message: 'تعذّر فهم الطلب.',
    reasons: {
      badUrl: 'عنوان URL غير صالح: فيه محرف مرمَّز بالنسبة المئوية بشكل خاطئ.',
      paramTooLong: 'أحد مقاطع مسار عنوان URL أطول من 200 محرف.',
      malformed: 'الطلب ليس HTTP صالحًا.'
    }
  },
  GRAPHQL_INVALID: {
    message: 'طلب GraphQL غير صالح.',
    reasons: {
      tooDeep: 'يتداخل الاستعلام بعمق {depth} مستويات؛ والحد الأقصى المسموح به {max}.',
      tooManyAliases: 'في الاستعلام {count} من الأسماء المستعارة؛ والحد الأقصى المسموح به {max}.',
      tooComplex: 'كلفة الاستعلام {cost}، وهي فوق الحد البالغ {max}: كل حقل يكلّف 1، مضروبًا في حجم صفحة كل قائمة فوقه.',
      batched: 'أرسل عملية واحدة في كل طلب: العمليات المجمّعة غير مقبولة.'
    }
  },
  PERSISTED_QUERY_NOT_FOUND: { message: 'لا يُعرف استعلام بهذا الرمز: أرسل الاستعلام مع رمزه مرة واحدة.' },

  UNAUTHORIZED: {
    message: 'المصادقة مطلوبة.',
    reasons: {
      missingToken: 'أرسل رمز الدخول بالشكل "Authorization: Bearer <token>".',
      invalidToken: 'رمز الدخول غير صالح.',
      invalidTicket: 'تذكرة البث غير معروفة أو مستعملة أو منتهية الصلاحية؛ اطلب تذكرة جديدة.',
      accountGone: 'هذا الحساب لم يعد موجودًا.',
      metricsToken: 'أرسل رمز المقاييس بالشكل "Authorization: Bearer <token>".'
    }
  },
  TOKEN_EXPIRED: { message: 'انتهت صلاحية رمز الدخول.' },
  TOKEN_REVOKED: { message: 'رمز الدخول لم يعد صالحًا: انتهت جلسته أو تغيّرت العضوية. جدّده أو سجّل الدخول من جديد.' },
  INVALID_CREDENTIALS: { message: 'البريد الإلكتروني أو كلمة المرور غير صحيحة.' },
  INVALID_REFRESH_TOKEN: {
    message: 'رمز التجديد غير صالح أو منتهي الصلاحية أو ملغى.',
    reasons: { reused: 'سبق استعمال رمز التجديد هذا؛ أُلغيت كل الجلسات المنبثقة منه.' }
  },

  FORBIDDEN: {
    message: 'غير مسموح لك بهذا.',
    reasons: {
      roleRequired: 'يتطلب هذا دور {role} أو أعلى.',
      guestReadOnly: 'للضيوف صلاحية القراءة فقط.',
      ownCreationsOnly: 'لا يستطيع الأعضاء تعديل إلا ما أنشؤوه.',
      ownerRoleOnly: 'المالك وحده يستطيع منح دور المالك أو تغييره أو سحبه.',
      noTenant: 'هذا الحساب ليس عضوًا في أي مستأجر.',
      notAMember: 'لست عضوًا في هذا المستأجر.',
      voidOwnOrdersOnly: 'لا يستطيع الأعضاء إلغاء إلا الطلبات التي أنشؤوها.',
      payOwnOrdersOnly: 'لا يستطيع الأعضاء تسديد إلا الطلبات التي أنشؤوها.',
      voidPaidOrder: 'المشرفون والمالكون وحدهم يستطيعون إلغاء طلب مدفوع.',
      streamTokenMismatch: 'يجب أن يكون الرمز للمستخدم والمستأجر نفسيهما اللذين يخصّهما البث.'
    }
  },
  TENANT_MISMATCH: { message: 'المستأجر في المسار ليس مستأجر رمزك.' },

  ROUTE_NOT_FOUND: { message: 'لا يوجد مسار يطابق {method} {path}.' },
  NOT_FOUND: { message: 'المورد غير موجود.' },
  TENANT_NOT_FOUND: { message: 'هذا المستأجر لم يعد موجودًا.' },
  MEMBER_NOT_FOUND: { message: 'لا يوجد عضو بهذا المعرّف في هذا المستأجر.' },
  USER_NOT_FOUND: { message: 'لا يوجد حساب بهذا البريد الإلكتروني؛ على الشخص أن يسجّل أولًا.' },
  PRODUCT_NOT_FOUND: { message: 'لا يوجد منتج بهذا المعرّف في هذا المستأجر.' },
  LOCATION_NOT_FOUND: { message: 'لا يوجد موقع بهذا المعرّف في هذا المستأجر.' },
  TASK_NOT_FOUND: { message: 'لا توجد مهمة بهذا المعرّف في هذا المستأجر.' },
  ORDER_NOT_FOUND: { message: 'لا يوجد طلب بهذا المعرّف في هذا المستأجر.' },
  WEBHOOK_NOT_FOUND: { message: 'لا يوجد webhook بهذا المعرّف في هذا المستأجر.' },
  WEBHOOK_DELIVERY_NOT_FOUND: { message: 'لا يوجد إرسال بهذا المعرّف لهذا الـ webhook.' },

  EMAIL_TAKEN: { message: 'يوجد حساب بهذا البريد الإلكتروني مسبقًا.' },
  ALREADY_A_MEMBER: { message: 'هذا المستخدم عضو في المستأجر مسبقًا.' },
  LAST_OWNER: { message: 'يجب أن يبقى للمستأجر مالك واحد على الأقل: اجعل شخصًا آخر مالكًا أولًا.' },
  SKU_TAKEN: { message: 'منتج آخر في هذا المستأجر يحمل رمز SKU هذا.' },
  PRODUCT_IN_USE: { message: 'توجد طلبات تشير إلى هذا المنتج؛ لا يمكن حذفه.' },
  LOCATION_IN_USE: { message: 'سُجّلت طلبات في هذا الموقع؛ عطّله بدل حذفه.' },
  LOCATION_INACTIVE: { message: 'هذا الموقع معطّل ولا يقبل الطلبات.' },
  INSUFFICIENT_STOCK: { message: 'المخزون غير كافٍ لبعض المنتجات؛ لم يُسجَّل أي طلب.' },
  ORDER_ALREADY_VOIDED: { message: 'هذا الطلب ملغى مسبقًا.' },
  ORDER_VOIDED: { message: 'لا يمكن تسديد طلب ملغى.' },
  ORDER_ALREADY_PAID: { message: 'هذا الطلب مدفوع مسبقًا.' },
  IDEMPOTENCY_IN_PROGRESS: { message: 'طلب بمفتاح Idempotency-Key هذا لا يزال قيد المعالجة؛ أعد المحاولة بعد لحظة.' },
  WEBHOOK_LIMIT_REACHED: { message: 'لدى هذا المستأجر {limit} من الـ webhooks مسبقًا؛ احذف واحدًا أولًا.' },
  WEBHOOK_INACTIVE: { message: 'الـ webhook معطّل: أعد تفعيله (PATCH active=true) قبل إعادة الإرسال.' },

  REQUEST_TIMEOUT: { message: 'لم يصل الطلب في الوقت المحدد.' },
  PRECONDITION_FAILED: {
    message: 'تغيّر المورد منذ قيمة ETag المرسلة.',
    reasons: { changedDuringWrite: 'تغيّر المورد أثناء كتابته؛ اجلبه ثم أعد المحاولة.' }
  },
  PAYLOAD_TOO_LARGE: { message: 'متن الطلب أكبر من الحد المسموح.' },
  UNSUPPORTED_MEDIA_TYPE: { message: 'يجب أن يكون متن الطلب application/json.' },
  HEADERS_TOO_LARGE: { message: 'ترويسات الطلب أكبر من الحد المسموح.' },

  INVALID_INPUT: {
    message: 'لم يجتز الطلب التحقق.',
    reasons: {
      body: 'لم يجتز متن الطلب التحقق.',
      querystring: 'لم تجتز معاملات الاستعلام التحقق.',
      params: 'لم تجتز معاملات المسار التحقق.',
      headers: 'لم تجتز الترويسات التحقق.',
      duplicateProducts: 'لا يجوز أن يتكرر المنتج في الطلب الواحد.',
      unknownProducts: 'بعض المنتجات غير موجودة في هذا المستأجر.',
      mixedCurrencies: 'يجب أن تكون كل منتجات الطلب مسعّرة بالعملة نفسها.',
      webhookUrl: 'عنوان الـ webhook غير مسموح.',
      unknownEventTypes: 'بعض أنواع الأحداث غير معروفة.'
    }
  },
  IDEMPOTENCY_KEY_REUSED: { message: 'سبق استعمال مفتاح Idempotency-Key هذا لطلب مختلف؛ استعمل مفتاحًا جديدًا لكل طلب جديد.' },

  RATE_LIMITED: {
    message: 'طلبات كثيرة جدًا؛ أعد المحاولة لاحقًا.',
    reasons: {
      anonymous: 'طلبات كثيرة جدًا من عنوانك؛ أعد المحاولة لاحقًا.',
      tenant: 'استنفد هذا المستأجر حصته من الطلبات حاليًا؛ أعد المحاولة لاحقًا.',
      user: 'طلبات كثيرة جدًا لهذا المستخدم؛ أعد المحاولة لاحقًا.',
      credentials: 'محاولات دخول كثيرة جدًا لهذا الحساب من عنوانك؛ أعد المحاولة لاحقًا.',
      subscriptions: 'يحمل هذا الاتصال {max} اشتراكات بالفعل؛ أنهِ أحدها أولًا.'
    }
  },

  INTERNAL_ERROR: { message: 'حدث خطأ غير متوقع.' },

  SERVICE_UNAVAILABLE: {
    message: 'الخدمة غير متاحة مؤقتًا؛ أعد المحاولة لاحقًا.',
    reasons: {
      overloaded: 'الخادم مثقل بالطلبات؛ أعد المحاولة لاحقًا.',
      shuttingDown: 'الخادم قيد الإيقاف؛ أعد المحاولة على خادم آخر.',
      slowConsumer: 'تأخّر الاشتراك كثيرًا عن الأحداث؛ اشترك من جديد بعد آخر رقم حدث استلمته.',
      queryTimeout: 'استغرق الطلب وقتًا طويلًا وأُلغي؛ أعد المحاولة لاحقًا.',
      poolExhausted: 'كل اتصالات قاعدة البيانات مشغولة؛ أعد المحاولة بعد لحظة.',
      notReadyOverloaded: 'الخادم مثقل بالطلبات.',
      notReadyShuttingDown: 'الخادم قيد الإيقاف.'
    }
  },
  DATABASE_UNAVAILABLE: { message: 'قاعدة البيانات غير متاحة.' }
}
