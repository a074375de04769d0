/** timestamptz(3) columns are read as RFC 3339 strings (see db/type-parsers.ts) and written as strings. */
export type Timestamp = string
