/**
 * A throw that a client can trigger at will must not become one stack trace per frame: the relay
 * counts every contained error but logs the 1st..10th, then the 16th, 32nd, 64th... (the same
 * rule as relay/server's ContainedErrors).
 */
export function worthLogging(count: number): boolean {
  return count <= 10 || (count & (count - 1)) === 0;
}
