/**
 * CPU per edit from a rate ladder: a least-squares line cores = idle + rate * perEdit over the
 * steps that kept up. The slope is what an edit costs a process (the idle part: heartbeats, pings,
 * timers); 1 / slope is the edit rate at which that process would fill one core of its own,
 * which is the prediction for a machine with more cores (each relay and each Redis node
 * is one thread).
 */
export interface CpuFit {
  idleCores: number;
  microsPerEdit: number;
  /** Edits per second that would keep one core busy with this process's share of the work. */
  editsPerCore: number;
}

export function fitCpuPerEdit(points: Array<{ rate: number; cores: number }>): CpuFit | null {
  if (points.length < 2) return null;
  const n = points.length;
  const meanRate = points.reduce((sum, p) => sum + p.rate, 0) / n;
  const meanCores = points.reduce((sum, p) => sum + p.cores, 0) / n;
  const covariance = points.reduce((sum, p) => sum + (p.rate - meanRate) * (p.cores - meanCores), 0);
  const variance = points.reduce((sum, p) => sum + (p.rate - meanRate) ** 2, 0);
  if (variance === 0) return null;
  const slope = covariance / variance;
  return {
    idleCores: Math.round((meanCores - slope * meanRate) * 100) / 100,
    microsPerEdit: Math.round(slope * 1e6 * 10) / 10,
    editsPerCore: slope > 0 ? Math.round(1 / slope) : Infinity,
  };
}
