export interface PageRequest {
  /** 1-based page number. */
  page: number
  page_size: number
}

export interface Page<T> {
  items: T[]
  meta: { page: number, page_size: number, total: number, total_pages: number }
}

/** Offset and limit for a page request, as query helpers take them. */
export function pageWindow ({ page, page_size: pageSize }: PageRequest): { limit: number, offset: number } {
  return { limit: pageSize, offset: (page - 1) * pageSize }
}

export function pageOf<T> (items: T[], total: number, request: PageRequest): Page<T> {
  return {
    items,
    meta: { page: request.page, page_size: request.page_size, total, total_pages: Math.ceil(total / request.page_size) }
  }
}
