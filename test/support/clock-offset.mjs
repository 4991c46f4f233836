// Preloaded into a `registrar serve` a test starts (NODE_OPTIONS=--import=this file): the
// process's clock runs TEST_CLOCK_OFFSET_SECONDS ahead, so what expires (a client on
// probation) can be seen expired without waiting. The engine reads Date.now, taken at start.
const offsetMilliseconds = Number(process.env.TEST_CLOCK_OFFSET_SECONDS ?? 0) * 1000
const realNow = Date.now
Date.now = () => realNow() + offsetMilliseconds
