/**
 * The worker-thread side of the simulator pool: runs one scenario per message with the same
 * `runScenario` the main thread would call, and answers with what the CLI keeps of a run (the
 * record, and the trace when asked). Progress callbacks stay behind: functions cannot cross threads.
 */
import { parentPort } from "node:worker_threads";
import { runScenario } from "../../sim/index.ts";
import type { ReplyMessage, TaskMessage } from "./pool.ts";
import type { SimTask, SimTaskResult } from "./sim-pool.ts";

const port = parentPort;
if (!port) throw new Error("sim-worker.ts runs only as a worker thread");

port.on("message", async ({ id, task }: TaskMessage<SimTask>) => {
  let reply: ReplyMessage<SimTaskResult>;
  try {
    const { record, trace } = await runScenario(task.scenario, { seed: task.seed, keepTrace: task.keepTrace });
    reply = { id, ok: true, result: { record, trace } };
  } catch (error) {
    reply = { id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
});
