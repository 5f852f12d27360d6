// Ctrl-C and SIGTERM for the commands that run long (run, sweep). The first signal aborts
// the command's AbortSignal, so it can stop its workers, print what it has and write its
// files; a second signal exits at once (130). Other commands keep Node's default (exit by
// the signal), which leaves nothing half-written since every file is written atomically.

export interface Interrupts {
  signal: AbortSignal;
  /** The signal received ("SIGINT" or "SIGTERM"), or null. */
  received(): string | null;
  /** Restores the default handling. */
  dispose(): void;
}

export function catchInterrupts(onFirst?: () => void): Interrupts {
  const controller = new AbortController();
  let received: string | null = null;
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== null) process.exit(130);
    received = signal;
    onFirst?.();
    controller.abort();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
