/**
 * A memo of the last few strings a pure function was applied to, matched by `===`. Simulated runs
 * hand the same string OBJECT around many times within a short stretch: a relay writes one frame
 * to every local client, a Redis message is a PUBLISH and then one push per subscriber, arriving
 * at each server at its own time. `===` on the same object is O(1) (two different strings of one
 * length compare only up to their first difference), whereas a Map would hash every new string
 * in full, costing as much as the work it saves.
 */
export class RecentMemo<V> {
  private readonly texts: (string | undefined)[];
  private readonly values: V[];
  private next = 0;

  constructor(size: number) {
    this.texts = new Array<string | undefined>(size).fill(undefined);
    this.values = new Array<V>(size);
  }

  get(text: string, compute: (text: string) => V): V {
    for (let i = 0; i < this.texts.length; i++) if (this.texts[i] === text) return this.values[i]!;
    const value = compute(text);
    this.texts[this.next] = text;
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.texts.length;
    return value;
  }
}
