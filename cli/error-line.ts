/**
 * Commander's error text -> the one line CLI.md promises on stderr. Commander puts its
 * suggestion on a second line ("(Did you mean --seeds?)"); it is the most useful part of the
 * message, so it is folded into the line instead of cut off. A missing argument gets the
 * command's usage, so `lfcc sim` alone says what to give it.
 */
import type { Command } from "commander";

export function oneLineError(text: string, command?: Command): string {
  const line = text.split("\n").map((part) => part.trim()).filter(Boolean).join(" ");
  if (command === undefined || !/missing required argument/.test(line)) return `${line}\n`;
  return `${line}; usage: lfcc ${command.name()} ${command.usage()} (lfcc ${command.name()} --help for more)\n`;
}
