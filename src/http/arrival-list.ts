/** The links an item carries to sit in an ArrivalList: fields of its own, so tracking allocates nothing. */
export interface ArrivalLinks<T> {
  arrivalPrev: T | null
  arrivalNext: T | null
}

/**
 * Items in the order they arrived, with O(1) append and removal from anywhere: a doubly linked
 * list threaded through the items themselves.
 *
 * Why not a Map: the request path appends and removes one entry per request, so a Map's table
 * is rebuilt every few dozen requests, and V8 keeps each superseded table linked to its successor
 * (for live iterators) with the entries it held. A superseded table that reached the old
 * generation keeps the next one, and the requests it lists, alive through every scavenge until a
 * full collection: under load nearly every request was promoted (about 5 KB each), scavenges took
 * 10-15 ms instead of 2, and RSS grew by hundreds of MB between mark-compacts. A removed item here
 * drops both its links, so nothing dead points at anything young.
 */
export class ArrivalList<T extends ArrivalLinks<T>> {
  #head: T | null = null
  #tail: T | null = null
  #size = 0

  get size (): number { return this.#size }
  /** The item that arrived first and is still listed. */
  get oldest (): T | null { return this.#head }

  append (item: T): void {
    if (this.has(item)) return
    item.arrivalPrev = this.#tail
    item.arrivalNext = null
    if (this.#tail === null) this.#head = item
    else this.#tail.arrivalNext = item
    this.#tail = item
    this.#size++
  }

  has (item: T): boolean {
    return item.arrivalPrev !== null || this.#head === item
  }

  /** Removes the item if it is listed; removing twice is harmless. */
  remove (item: T): void {
    if (!this.has(item)) return
    const { arrivalPrev: prev, arrivalNext: next } = item
    if (prev === null) this.#head = next
    else prev.arrivalNext = next
    if (next === null) this.#tail = prev
    else next.arrivalPrev = prev
    item.arrivalPrev = null
    item.arrivalNext = null
    this.#size--
  }

  /** Oldest first; `visit` may remove the item it is given. */
  forEach (visit: (item: T) => void): void {
    let item = this.#head
    while (item !== null) {
      const next = item.arrivalNext
      visit(item)
      item = next
    }
  }
}
