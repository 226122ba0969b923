// A cancel from outside a loop, as SIGINT or a worker message arrives: a 1 ms timer aborts once the progress the
// test reports (`seen`) reaches a threshold, and records the value it aborted at. The loop only sees it when it
// yields to the event loop, which is what the cancel tests check.
export class TimerAbort {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  /** The progress (step, batch) the loop last reported. */
  seen = 0;
  /** `seen` when the timer aborted; -1 before. */
  atAbort = -1;

  constructor(after: number) {
    this.timer = setInterval(() => {
      if (this.seen >= after && this.atAbort < 0) {
        this.atAbort = this.seen;
        this.controller.abort();
      }
    }, 1);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the timer (in the test's `finally`). */
  stop(): void {
    clearInterval(this.timer);
  }
}
