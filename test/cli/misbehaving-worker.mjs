// A stand-in sweep worker for pool tests: speaks the worker protocol, passes every seed,
// but dies on seed 13 and hangs forever on seed 21.
import { parentPort } from "node:worker_threads";

parentPort.on("message", ({ seeds }) => {
  for (const seed of seeds) {
    if (seed === 13) process.exit(3);
    if (seed === 21) for (;;);
    parentPort.postMessage({
      outcome: {
        seed,
        verdict: "pass",
        events: seed,
        virtualTimeUs: 0,
        traceHash: "",
        signature: null,
        check: "",
        message: "",
        nodes: [],
      },
    });
  }
});
