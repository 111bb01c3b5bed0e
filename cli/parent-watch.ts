/**
 * `lfcc serve` shuts down when the process that started it is gone (CLI.md v1.1). `npx lfcc
 * serve` runs as npm exec -> sh -c -> node: SIGTERM to the npx pid reaches only the shell, which
 * dies without passing it on, and node is re-parented (to pid 1 or a sub-reaper) and would keep
 * serving forever. A changed `process.ppid` is the one signal that survives every such chain
 * (a pipe on stdin would not: npm gives the child our terminal, not a pipe it owns).
 */

/** How often the parent pid is read; a relay outlives its parent by at most this long. */
export const PARENT_POLL_MS = 250;

/**
 * Calls `onGone` once when this process's parent changes. Does nothing when the process has no
 * parent to lose (pid 1 in a container, or already re-parented to init). Returns a stop function.
 */
export function watchParent(onGone: (parentPid: number) => void, pollMs = PARENT_POLL_MS): () => void {
  const parentPid = process.ppid;
  if (parentPid <= 1) return () => undefined;
  const timer = setInterval(() => {
    if (process.ppid === parentPid) return;
    clearInterval(timer);
    onGone(parentPid);
  }, pollMs);
  timer.unref(); // the watch alone must never keep a stopped relay alive
  return () => clearInterval(timer);
}
