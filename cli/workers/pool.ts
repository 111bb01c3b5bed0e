/**
 * A pool of worker threads that run one task at a time each: the way `lfcc sim`, `lfcc fuzz` and
 * `lfcc gate` use every core. Runs are independent and deterministic (each simulated run is a pure
 * function of its scenario and seed), so spreading them over threads changes wall time only: the
 * callers keep their own order for output, files and verdicts.
 *
 * Why threads, not processes: a worker starts in ~0.1 s and shares the parent's module cache on
 * disk; a forked `lfcc` pays the whole start-up again for every worker.
 */
import { Worker } from "node:worker_threads";

/** What a worker script receives and answers (see sim-worker.ts). */
export interface TaskMessage<T> {
  id: number;
  task: T;
}
export type ReplyMessage<R> = { id: number; ok: true; result: R } | { id: number; ok: false; error: string };

export interface WorkerPool<T, R> {
  readonly size: number;
  /** Queues the task; resolves with the worker's result, rejects with its error. */
  run(task: T): Promise<R>;
  /** Ends every worker (pending tasks reject). */
  close(): Promise<void>;
}

interface Pending<T, R> {
  id: number;
  task: T;
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

interface Slot<T, R> {
  worker: Worker;
  busy: Pending<T, R> | null;
}

export function createWorkerPool<T, R>(moduleUrl: URL, size: number): WorkerPool<T, R> {
  const slots: Slot<T, R>[] = [];
  const queue: Pending<T, R>[] = [];
  let nextId = 1;
  let closed = false;

  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0) continue;
      slot.busy = queue.shift()!;
      slot.worker.postMessage({ id: slot.busy.id, task: slot.busy.task } satisfies TaskMessage<T>);
    }
    // Idle workers must not keep the process alive once the caller is done with the pool.
    for (const slot of slots) slot.busy ? slot.worker.ref() : slot.worker.unref();
  };

  const spawn = (): Slot<T, R> => {
    const slot: Slot<T, R> = { worker: startWorker(moduleUrl), busy: null };
    slot.worker.on("message", (reply: ReplyMessage<R>) => {
      const pending = slot.busy;
      if (!pending || pending.id !== reply.id) return;
      slot.busy = null;
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(reply.error));
      dispatch();
    });
    // A worker that dies (out of memory, a native crash) fails its task, not the whole command:
    // it is replaced so the remaining tasks still run.
    const onDeath = (error: Error): void => {
      const pending = slot.busy;
      slot.busy = null;
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      pending?.reject(error);
      if (!closed) {
        slots.push(spawn());
        dispatch();
      }
    };
    slot.worker.on("error", onDeath);
    slot.worker.on("exit", (code) => {
      if (!closed && slots.includes(slot)) onDeath(new Error(`worker thread exited with code ${code}`));
    });
    return slot;
  };

  return {
    size,
    run(task: T): Promise<R> {
      if (closed) return Promise.reject(new Error("worker pool is closed"));
      return new Promise<R>((resolve, reject) => {
        queue.push({ id: nextId++, task, resolve, reject });
        // Threads start lazily: a command with one run never pays for more than one.
        if (slots.length < size && slots.every((slot) => slot.busy)) slots.push(spawn());
        dispatch();
      });
    },
    async close(): Promise<void> {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new Error("worker pool closed"));
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}

/**
 * Starts a worker on a module. From the sources (a `.ts` URL, development and tests) the worker
 * first registers tsx's loader, the way bin/lfcc.js does for the main thread: Node 20 applies no
 * loader to a worker's entry module, and `execArgv: ["--import", "tsx"]` does not cover it either.
 * From the built package (`.js`) it loads the module directly.
 */
function startWorker(moduleUrl: URL): Worker {
  if (!moduleUrl.pathname.endsWith(".ts")) return new Worker(moduleUrl);
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(boot, { eval: true });
}
