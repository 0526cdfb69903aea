// What work costs, measured as CPU time: on a busy machine a call takes longer to finish, but
// the processor time it needs stays the same, so bounds on it do not depend on the load.

/** CPU milliseconds (user + system, all threads of this process) spent since `since` (a `process.cpuUsage()`). */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** Runs `work` and returns its result with the CPU milliseconds the process spent meanwhile. */
export async function withCpuMs<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const since = process.cpuUsage();
  const result = await work();
  return { result, cpuMs: cpuMsSince(since) };
}
