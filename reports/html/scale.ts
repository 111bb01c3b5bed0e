/** Axis helpers: linear scales, "nice" ticks, and peak-preserving downsampling for long series. */

export type Scale = (value: number) => number;

export function linearScale(domainMax: number, rangeStart: number, rangeEnd: number): Scale {
  const span = domainMax > 0 ? domainMax : 1;
  return (value) => rangeStart + (value / span) * (rangeEnd - rangeStart);
}

/** About `count` round tick values from 0 to at least max (1, 2, 5 x 10^n steps). */
export function niceTicks(max: number, count = 4, minStep = 0): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = Math.max(max / count, minStep);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Keep at most `maxPoints` points, taking each bucket's maximum so peaks (queue overflows) survive. */
export function downsample(tMs: readonly number[], values: readonly number[], maxPoints: number): { t: number[]; v: number[] } {
  const n = Math.min(tMs.length, values.length);
  if (n <= maxPoints) return { t: tMs.slice(0, n), v: values.slice(0, n) };
  const t: number[] = [];
  const v: number[] = [];
  const bucket = n / maxPoints;
  for (let b = 0; b < maxPoints; b++) {
    const from = Math.floor(b * bucket);
    const to = Math.min(n, Math.floor((b + 1) * bucket));
    let peak = from;
    for (let i = from; i < to; i++) if (values[i]! > values[peak]!) peak = i;
    t.push(tMs[peak]!);
    v.push(values[peak]!);
  }
  return { t, v };
}

/** "0s", "15s", "1.5m" for time axes. */
export function axisTime(ms: number): string {
  if (ms >= 120_000) return `${Number((ms / 60_000).toFixed(1))}m`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}
