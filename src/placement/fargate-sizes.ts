// Valid Fargate task sizes (ecs-behavior.md §6.8): task cpu units → the memory MiB allowed.

interface SizeRule {
  readonly cpu: number;
  readonly memory: readonly number[];
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let m = from; m <= to; m += step) out.push(m);
  return out;
}

export const FARGATE_SIZES: readonly SizeRule[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1024, 4096, 1024) },
  { cpu: 1024, memory: range(2048, 8192, 1024) },
  { cpu: 2048, memory: range(4096, 16384, 1024) },
  { cpu: 4096, memory: range(8192, 30720, 1024) },
  // 8 and 16 vCPU need platform version 1.4.0 or later (the default, LATEST).
  { cpu: 8192, memory: range(16384, 61440, 4096) },
  { cpu: 16384, memory: range(32768, 122880, 8192) },
];

/** The memory sizes Fargate accepts for `cpu` units; empty when the cpu value itself is invalid. */
export function fargateMemoryOptions(cpu: number): readonly number[] {
  return FARGATE_SIZES.find((r) => r.cpu === cpu)?.memory ?? [];
}

export function validFargateSize(cpu: number, memory: number): boolean {
  return fargateMemoryOptions(cpu).includes(memory);
}

/** Why a cpu/memory pair is not a Fargate size, naming what is allowed; undefined when valid. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const options = fargateMemoryOptions(cpu);
  if (options.length === 0) {
    return `Fargate task cpu ${cpu} is not valid; allowed: ${FARGATE_SIZES.map((r) => r.cpu).join(", ")}`;
  }
  if (options.includes(memory)) return undefined;
  const first = options[0]!;
  const last = options[options.length - 1]!;
  const allowed = options.length <= 3 ? options.join(", ") : `${first}-${last} in steps of ${options[1]! - first}`;
  return `Fargate task memory ${memory} MiB is not valid with cpu ${cpu}; allowed: ${allowed}`;
}
