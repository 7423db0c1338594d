// What the drill's sections share: a run of a CLI and a row of the table they report.

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  killed: boolean;
  /** Peak resident memory in MB (GNU time), or null. */
  peakMb: number | null;
}

export interface Row {
  fault: string;
  runs: number;
  outcome: string;
  failures: string[];
  operator: string;
}

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
