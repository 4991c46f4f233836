/** Paging through a list answer of the API (Authlete's API: `start` inclusive, `end` exclusive). */

/** How many items a command asks for at a time. */
const PAGE_SIZE = 100

/**
 * Every item from `start` to `end` (to the last when `end` is undefined), asked for a page
 * at a time until a short page or the total count ends the list.
 */
export async function collectPages<T>(
  fetchPage: (start: number, end: number) => Promise<{ totalCount: number; items: T[] }>,
  start = 0,
  end?: number,
): Promise<{ start: number; end: number; totalCount: number; items: T[] }> {
  const items: T[] = []
  let totalCount = 0
  for (let from = start; end === undefined || from < end; from += PAGE_SIZE) {
    const to = end === undefined ? from + PAGE_SIZE : Math.min(from + PAGE_SIZE, end)
    const page = await fetchPage(from, to)
    totalCount = page.totalCount
    items.push(...page.items)
    if (page.items.length < to - from || from + page.items.length >= totalCount) break
  }
  return { start, end: start + items.length, totalCount, items }
}
