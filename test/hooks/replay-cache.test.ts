import t from 'tap'
import { ReplayCache } from '../../src/hooks/replay-cache.js'

t.test('an id is a replay until it expires', async t => {
  const cache = new ReplayCache()
  t.equal(cache.seen('a', 110, 100, 10), false)
  t.equal(cache.seen('a', 110, 105, 10), true)
  t.equal(cache.seen('a', 110, 110, 10), true, 'still refused at the last second of the window')
  t.equal(cache.seen('a', 130, 111, 10), false, 'seen again after expiry: recorded anew')
  t.equal(cache.seen('a', 130, 120, 10), true)
})

t.test('expired ids are swept and the cache never exceeds its bound', async t => {
  const cache = new ReplayCache()
  for (let i = 0; i < 50; i++) cache.seen(`old-${i}`, 100, 90, 1000)
  t.equal(cache.size, 50)
  cache.seen('new', 300, 200, 1000)
  t.equal(cache.size, 1, 'the expired ids are gone')
  for (let i = 0; i < 500; i++) cache.seen(`id-${i}`, 400, 200, 100)
  t.equal(cache.size, 100)
  t.equal(cache.seen('id-499', 400, 200, 100), true, 'the newest ids are kept')
  t.equal(cache.seen('id-0', 400, 200, 100), false, 'the oldest were forgotten first')
})

t.test('a long run stays bounded and keeps refusing recent replays (the insertion order is compacted)', async t => {
  const cache = new ReplayCache()
  for (let i = 0; i < 5000; i++) t.equal(cache.seen(`run-${i}`, 100_000 + i, 500 + i, 1000), false)
  t.equal(cache.size, 1000)
  t.equal(cache.seen('run-4999', 104_999, 5499, 1000), true, 'the newest id is still refused')
  t.equal(cache.seen('run-3999', 103_999, 5499, 1000), false, 'an id past the bound was forgotten')
  const started = performance.now()
  for (let i = 0; i < 20_000; i++) cache.seen(`burst-${i}`, 9000, 5500, 1000)
  t.equal(cache.size, 1000)
  t.ok(performance.now() - started < 2000, 'inserting into a full cache stays cheap (a generous bound, not a benchmark)')
})
