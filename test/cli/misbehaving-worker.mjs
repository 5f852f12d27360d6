// A stand-in sweep worker for pool tests: speaks the worker protocol, passes every seed,
// but dies on seed 13, hangs forever on seed 21 and allocates until it runs out of memory on seed 29.
import { parentPort } from "node:worker_threads";

parentPort.on("message", ({ seeds }) => {
  for (const seed of seeds) {
    if (seed === 13) process.exit(3);
    if (seed === 21) for (;;);
    if (seed === 29) {
      const hoard = [];
      for (;;) hoard.push(new Array(1e6).fill(seed));
    }
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
