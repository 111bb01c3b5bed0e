/**
 * The floor under simulator speed: the CPU that Yjs alone needs for bench/sim-speed.ts's workload
 * (16 clients on 2 documents, 2 edits/s each for 60 s, ops weighted like the default workload), with
 * every update made once and applied once at each of the other 7 replicas of its document: the
 * ideal "apply amplification" of 1, and no relay, provider, network or simulator at all.
 *
 * Why: if Yjs alone takes a large share of the CPU budget that a speed goal allows (200x real
 * time = 380 ms CPU for the 76 s run), no kernel or relay tuning can reach the goal. Run:
 * `npx tsx bench/yjs-floor.ts`; compare with `npx tsx bench/sim-speed.ts` in the same session.
 */
import * as Y from "yjs";

const CLIENTS = 16;
const DOCS = 2;
const EDITS_PER_CLIENT = 120; // 2 edits/s x 60 s
const ALPHABET = "abcdefghijklmnopqrstuvwxyz ";

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function run(seed: number): { cpuMs: number; edits: number; applies: number; bytes: number } {
  const random = lcg(seed);
  const int = (n: number) => Math.floor(random() * n);
  const replicas = Array.from({ length: CLIENTS }, (_, i) => {
    const doc = new Y.Doc({ guid: `d${i % DOCS}/c${i}` });
    doc.clientID = i + 1;
    return doc;
  });
  const peersOf = (i: number) => replicas.filter((_, j) => j !== i && j % DOCS === i % DOCS);
  let applies = 0;
  let bytes = 0;
  const cpuStart = process.cpuUsage();
  for (let round = 0; round < EDITS_PER_CLIENT; round++) {
    for (let i = 0; i < CLIENTS; i++) {
      const doc = replicas[i]!;
      let update: Uint8Array | null = null;
      const capture = (u: Uint8Array) => (update = u);
      doc.once("update", capture);
      const roll = random() * 10; // insertText 6, deleteText 2, setMap 1, presence 1 (no Yjs work)
      const text = doc.getText("text");
      if (roll < 6) text.insert(int(text.length + 1), Array.from({ length: 1 + int(8) }, () => ALPHABET[int(ALPHABET.length)]).join(""));
      else if (roll < 8 && text.length > 0) {
        const at = int(text.length);
        text.delete(at, Math.min(1 + int(4), text.length - at));
      } else if (roll < 9) doc.getMap("map").set(`k${int(16)}`, int(1_000_000));
      doc.off("update", capture);
      if (update === null) continue;
      bytes += (update as Uint8Array).byteLength;
      for (const peer of peersOf(i)) {
        Y.applyUpdate(peer, update, "remote");
        applies++;
      }
    }
  }
  const cpu = process.cpuUsage(cpuStart);
  return { cpuMs: (cpu.user + cpu.system) / 1000, edits: CLIENTS * EDITS_PER_CLIENT, applies, bytes };
}

run(99); // warm-up: JIT
for (const seed of [1, 2, 3]) {
  const r = run(seed);
  const virtualMs = 76_000;
  console.log(
    `yjs only: ${r.edits} edits, ${r.applies} applies, ${r.cpuMs.toFixed(0)} ms CPU ` +
      `(${((r.cpuMs * 1000) / r.applies).toFixed(1)} us/apply): ceiling ${(virtualMs / r.cpuMs).toFixed(0)}x real time per CPU second`,
  );
}
