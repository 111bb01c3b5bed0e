/**
 * Maps a path inside a parsed YAML document back to a line and column, so every validation
 * message can point at the node a person has to fix.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { DocumentPath } from "./errors.ts";

export interface Position {
  line: number;
  col: number;
}

export interface Locator {
  /** Position of the value at `path`, or of the deepest existing ancestor when it is missing. */
  valueAt(path: DocumentPath): Position;
  /** Position of the key `key` of the mapping at `path` (for unknown or misplaced keys). */
  keyAt(path: DocumentPath, key: string): Position;
}

export function yamlLocator(document: Document, lineCounter: LineCounter, basePath: DocumentPath = []): Locator {
  const root = document.contents as Node | null;
  const positionOf = (node: Node | null | undefined): Position => {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  return {
    valueAt: (path) => positionOf(deepestNode(root, [...basePath, ...path]).node),
    keyAt: (path, key) => {
      const found = deepestNode(root, [...basePath, ...path]);
      if (!found.complete || !isMap(found.node)) return positionOf(found.node);
      const pair = found.node.items.find((item) => isPair(item) && keyText(item.key) === key);
      return positionOf((pair?.key as Node | undefined) ?? found.node);
    },
  };
}

/** A locator for scenarios built in code (fuzzer, failure files built by hand): no positions. */
export const NO_POSITIONS: Locator = { valueAt: () => ({ line: 0, col: 0 }), keyAt: () => ({ line: 0, col: 0 }) };

function deepestNode(root: Node | null, path: DocumentPath): { node: Node | null; complete: boolean } {
  let node = root;
  for (const segment of path) {
    const child = childOf(node, segment);
    if (child === undefined) return { node, complete: false };
    node = child;
  }
  return { node, complete: true };
}

function childOf(node: Node | null, segment: string | number): Node | undefined {
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    return (item as Node | undefined) ?? undefined;
  }
  if (isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
    // A key with an empty value (`redisRestart:`) has no value node: point at the key.
    return (pair?.value as Node | null | undefined) ?? (pair?.key as Node | undefined);
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}
