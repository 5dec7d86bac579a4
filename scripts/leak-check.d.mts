// Types of leak-check.mjs, for the tests that import it.
export const SUITE_ENV: string;
export interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  argv: string[];
  env: string[];
}
export function listProcesses(): ProcEntry[];
export function findLeaks(procs: ProcEntry[], marks: { id: string; root: string; self: number }): ProcEntry[];
export function killLeaks(leaks: ProcEntry[], options?: { waitMs?: number }): Promise<ProcEntry[]>;
export function describeProcess(p: ProcEntry): string;
export interface LeakedContainer {
  Id: string;
  Names?: string[];
  State?: string;
  Command?: string;
  Labels?: Record<string, string>;
}
export function agentInstanceIds(root: string, depth?: number): Set<string>;
export function dockerLeaks(instanceIds: Set<string>): Promise<LeakedContainer[]>;
export function removeContainers(containers: LeakedContainer[]): Promise<void>;
export function describeContainer(c: LeakedContainer): string;
