import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The first executable named `name` on PATH (or at an explicit path), or null. */
export function findBinary(nameOrPath: string, extraDirs: string[] = []): string | null {
  if (nameOrPath.includes("/")) return isExecutable(nameOrPath) ? nameOrPath : null;
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, nameOrPath);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
