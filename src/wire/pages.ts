/**
 * Pages of list calls. Authlete's list APIs take a window, `start` inclusive and `end`
 * exclusive, and answer it with `start`, `end` and `totalCount`; Authlete publishes no
 * largest window. Registrar answers at most MAX_PAGE_SIZE items per call: a wider window is
 * cut, and the answer's `end` says where it stopped, so a caller pages on from there.
 * @see Authlete's API (`service.list`), §2.2 (`client.list`)
 */

/** Items one list call answers at most. */
export const MAX_PAGE_SIZE = 1000

/** A list window, `start` inclusive and `end` exclusive. */
export interface PageWindow {
  start: number
  end: number
}

/**
 * The window a list call answers: `start` as asked (at least 0), `end` no further than
 * MAX_PAGE_SIZE past it and never before it.
 * @see Authlete's API
 */
export function boundedWindow(window: PageWindow): PageWindow {
  const start = Math.max(0, Math.floor(window.start))
  const end = Math.min(Math.max(start, Math.floor(window.end)), start + MAX_PAGE_SIZE)
  return { start, end }
}
