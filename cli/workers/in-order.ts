/**
 * Runs `start(item)` for every item with at most `concurrency` in flight, and hands each outcome to
 * `finish` in the items' order, whatever order they complete in: output, files and verdicts of a
 * parallel run are those of the sequential one.
 */
export async function forEachInOrder<T, R>(
  items: readonly T[],
  concurrency: number,
  start: (item: T, index: number) => Promise<R>,
  finish: (outcome: R, index: number) => void,
): Promise<void> {
  const outcomes = new Map<number, R>();
  let next = 0;
  let finished = 0;
  const flush = (): void => {
    while (outcomes.has(finished)) {
      const outcome = outcomes.get(finished)!;
      outcomes.delete(finished);
      finish(outcome, finished++);
    }
  };
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      outcomes.set(index, await start(items[index]!, index));
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}
