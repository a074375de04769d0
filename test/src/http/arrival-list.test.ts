import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ArrivalList, type ArrivalLinks } from '#src/http/arrival-list.js'

interface Item extends ArrivalLinks<Item> { name: string }
const item = (name: string): Item => ({ name, arrivalPrev: null, arrivalNext: null })

function names (list: ArrivalList<Item>): string[] {
  const seen: string[] = []
  list.forEach((entry) => seen.push(entry.name))
  return seen
}

test('items come back in arrival order, and removal from the head, middle and tail keeps the rest linked', () => {
  const list = new ArrivalList<Item>()
  const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(item) as [Item, Item, Item, Item, Item]
  for (const entry of [a, b, c, d, e]) list.append(entry)
  assert.deepEqual(names(list), ['a', 'b', 'c', 'd', 'e'])
  list.remove(c)
  list.remove(a)
  list.remove(e)
  assert.deepEqual(names(list), ['b', 'd'])
  assert.equal(list.size, 2)
  assert.equal(list.oldest, b)
  list.append(a)
  assert.deepEqual(names(list), ['b', 'd', 'a'])
})

test('a removed item holds no links, removing twice or appending twice changes nothing', () => {
  const list = new ArrivalList<Item>()
  const [a, b, c] = ['a', 'b', 'c'].map(item) as [Item, Item, Item]
  for (const entry of [a, b, c]) list.append(entry)
  list.append(b)
  assert.equal(list.size, 3)
  list.remove(b)
  assert.equal(b.arrivalPrev, null)
  assert.equal(b.arrivalNext, null)
  assert.equal(list.has(b), false)
  list.remove(b)
  assert.equal(list.size, 2)
  assert.deepEqual(names(list), ['a', 'c'])
  list.remove(a)
  list.remove(c)
  assert.equal(list.size, 0)
  assert.equal(list.oldest, null)
  assert.deepEqual(names(list), [])
})

test('forEach lets the visitor remove the item it is given', () => {
  const list = new ArrivalList<Item>()
  const entries = ['a', 'b', 'c', 'd'].map(item)
  for (const entry of entries) list.append(entry)
  const visited: string[] = []
  list.forEach((entry) => { visited.push(entry.name); if (entry.name !== 'c') list.remove(entry) })
  assert.deepEqual(visited, ['a', 'b', 'c', 'd'])
  assert.deepEqual(names(list), ['c'])
})
