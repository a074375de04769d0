import type { SortOrder } from '#db/queries/search.js'

export interface PageRequest {
  /** 1-based page number. */
  page: number
  page_size: number
}

export interface Page<T> {
  items: T[]
  meta: { page: number, page_size: number, total: number, total_pages: number }
}

export interface PageWindow { limit: number, offset: number }

/** Offset and limit for a page request, as query helpers take them. */
export function pageWindow ({ page, page_size: pageSize }: PageRequest): PageWindow {
  return { limit: pageSize, offset: (page - 1) * pageSize }
}

export function pageOf<T> (items: T[], total: number, request: PageRequest): Page<T> {
  return {
    items,
    meta: { page: request.page, page_size: request.page_size, total, total_pages: Math.ceil(total / request.page_size) }
  }
}

/** Reads one page of rows and the total count of the same filters, side by side. */
export async function fetchPage<T> (request: PageRequest, rows: (window: PageWindow) => Promise<T[]>, count: () => Promise<number>): Promise<Page<T>> {
  const [items, total] = await Promise.all([rows(pageWindow(request)), count()])
  return pageOf(items, total, request)
}

/** The field of a `sort` value: `-created_at` -> `created_at`. */
export type SortField<S extends string> = S extends `-${infer F}` ? F : S

/** `?sort=-created_at` -> created_at, descending. The route schema has already checked the allow-list. */
export function parseSort<S extends string> (sort: S | undefined, fallback: S): SortOrder<SortField<S>> {
  const value: string = sort ?? fallback
  return value.startsWith('-')
    ? { field: value.slice(1) as SortField<S>, direction: 'desc' }
    : { field: value as SortField<S>, direction: 'asc' }
}
