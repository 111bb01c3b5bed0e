/**
 * CLI.md v1.1 and the frictions of issue 11, each through the real executable (a child process):
 * the one-line errors keep commander's suggestion, `lfcc sim` alone says how to call it, --seeds
 * means the same in every command, replay and report say in words what they were given.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, lfcc } from "./run-cli.ts";

const tiny = join(FIXTURES, "tiny.yaml");
const gateLibrary = join(import.meta.dirname, "..", "gate", "fixtures", "good");
const freshDir = () => mkdtempSync(join(tmpdir(), "lfcc-frictions-"));
const oneLine = (text: string) => {
  expect(text.trim().split("\n")).toHaveLength(1);
  return text.trim();
};

describe("usage errors: one line, and a useful one", () => {
  it("keeps commander's 'Did you mean --seeds?' on the line", () => {
    const result = lfcc("sim", tiny, "--sedes", "1..2");
    expect(result.status).toBe(2);
    expect(oneLine(result.stderr)).toBe("error: unknown option '--sedes' (Did you mean --seeds?)");
  });

  it("`lfcc sim` with no scenario shows how to call it", () => {
    const result = lfcc("sim");
    expect(result.status).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/missing required argument 'scenarios'; usage: lfcc sim \[options\] <scenarios\.\.\.> \(lfcc sim --help for more\)/);
  });

  it("--version prints the version from package.json", () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as { version: string };
    const result = lfcc("--version");
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it("--help lists every command without loading them", () => {
    const result = lfcc("--help");
    expect(result.status).toBe(0);
    for (const name of ["serve", "sim", "replay", "fuzz", "chaos", "report", "gate"]) expect(result.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    // A command's own help still has its options (it is loaded when asked for).
    expect(lfcc("help", "sim").stdout).toContain("--seeds <A..B | K>");
  });
});

describe("--seeds is a range A..B or a count K in every command", () => {
  it("sim --seeds 2 runs seeds 1 and 2", () => {
    const result = lfcc("sim", tiny, "--seeds", "2", "--json");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { seed: number }).seed)).toEqual([1, 2]);
  });

  it("gate --seeds 4..5 runs every library scenario with seeds 4 and 5", () => {
    const out = freshDir();
    const result = lfcc("gate", "--scenarios", gateLibrary, "--seeds", "4..5", "--fuzz-runs", "0", "--out", out);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("x seeds 4..5");
    const library = readdirSync(join(out, "runs")).filter((name) => !name.startsWith("old-bug")).sort();
    expect(library).toEqual(["blip--seed4--sim.json", "blip--seed5--sim.json", "crash--seed4--sim.json", "crash--seed5--sim.json"]);
  });
});

describe("replay of something that is not a failure file", () => {
  const out = freshDir();
  const sim = lfcc("sim", tiny, "--seed", "3", "--out", out, "--json");
  const record = join(out, "runs", readdirSync(join(out, "runs"))[0]!);
  lfcc("report", out);

  it.each([
    ["a run record", () => record, /this is not a failure file \(run records carry their replay command: lfcc replay .*tiny\.yaml --seed 3\)$/],
    ["a README", () => join(import.meta.dirname, "..", "..", "README.md"), /README\.md: this is not a failure file \(run records carry their replay command: the "replayCommand" field/],
    ["a junit.xml", () => join(out, "report", "junit.xml"), /junit\.xml: this is not a failure file \(run records carry their replay command/],
  ])("%s: one sentence, exit 2", (_what, file, message) => {
    expect(sim.status).toBe(0);
    const result = lfcc("replay", file());
    expect(result.status).toBe(2);
    expect(oneLine(result.stderr)).toMatch(message);
  });

  it("the replay command a run record carries does replay it", () => {
    const command = (JSON.parse(readFileSync(record, "utf8")) as { replayCommand: string }).replayCommand.split(" ");
    expect(command.slice(0, 2)).toEqual(["lfcc", "replay"]);
    expect(lfcc(...command.slice(1)).status).toBe(0);
  });
});

describe("report on the wrong folder says what is wrong in words", () => {
  it("a failures folder, a report folder, a record with a wrong field", () => {
    const out = freshDir();
    const sim = lfcc("sim", join(FIXTURES, "tiny-fails.yaml"), "--out", out, "--json");
    expect(sim.status).toBe(1);
    expect(lfcc("report", out).status).toBe(0);

    const failures = lfcc("report", join(out, "failures"));
    expect(failures.status).toBe(2);
    expect(oneLine(failures.stderr)).toMatch(/this is a failure file \(replay it with lfcc replay FILE\), not a run record; lfcc report reads run records: give it the results directory/);

    const report = lfcc("report", join(out, "report"));
    expect(report.status).toBe(2);
    expect(oneLine(report.stderr)).toMatch(/results\.json: this is a report's results\.json \(the output of lfcc report\), not a run record/);

    const loose = freshDir();
    writeFileSync(join(loose, "a.json"), JSON.stringify({ scenario: "x", seed: "one" }));
    expect(oneLine(lfcc("report", loose).stderr)).toMatch(/a\.json: not a run record: field "seed" should be a number, found string "one"/);
  });
});

describe("lfcc serve --redis", () => {
  it.each([
    ["localhost:6379", /--redis expects redis:\/\/.*got "localhost:6379" \(did you mean redis:\/\/localhost:6379\?\)/],
    ["http://localhost:6379", /--redis expects redis:\/\/\[user:password@\]host\[:port\]\[\/db\] or rediss:\/\/\.\.\., got "http:\/\/localhost:6379"/],
    ["redis://:hunter2@", /--redis expects redis:\/\/.*"redis:\/\/\*\*\*@"/],
    ["redis://h:99999", /--redis expects/],
  ])("a malformed URL %s is a usage error (exit 2), the password never printed", (url, message) => {
    const result = lfcc("serve", "--port", "0", "--redis", url);
    expect(result.status).toBe(2);
    expect(oneLine(result.stderr)).toMatch(message);
    expect(result.stderr).not.toContain("hunter2");
    expect(result.stdout).not.toContain("listening");
  });
});
