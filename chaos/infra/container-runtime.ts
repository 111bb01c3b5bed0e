/**
 * The container fallback of chaos mode (testcontainers, issue 6) is optional since issue 11: a
 * peer dependency the package does not install (it pulls ~170 packages: dockerode, ssh2, ...).
 * This says which of the three cases holds, so the error can say what to do about it.
 */
export type ContainerRuntime = "available" | "not-installed" | "no-engine" | "disabled";

export const CONTAINERS_INSTALL_HINT = "npm install testcontainers @testcontainers/redis to let lfcc chaos start them in Docker";

export async function containerRuntime(): Promise<ContainerRuntime> {
  let testcontainers: typeof import("testcontainers");
  try {
    testcontainers = await import("testcontainers");
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return "not-installed";
    throw error;
  }
  try {
    await testcontainers.getContainerRuntimeClient();
    return "available";
  } catch {
    return "no-engine";
  }
}

/** The clause ChaosSetupError appends after what is missing. */
export function containerFallbackNote(runtime: ContainerRuntime): string {
  if (runtime === "not-installed") return `(and no container fallback: testcontainers is not installed; ${CONTAINERS_INSTALL_HINT})`;
  if (runtime === "no-engine") return "(no Docker engine for testcontainers either)";
  if (runtime === "disabled") return "(--no-containers: no container fallback)";
  return "";
}
