// What the global checkers (checkers.ts) remember of each job, and for how long. A day-long
// run holds tens of thousands of jobs; remembering each for the whole run made memory grow
// without bound (issue 22). A job's record lives while the job is in flight and for a
// bounded window after it has ended everywhere; then it is dropped.
//
// A job has ended once its client heard its result or its rejection, the gate that accepted
// it (if any) finalised it, no gate or manager still holds it, and no run of it is in
// progress. For `windowUs` after that the record stays (at most `maxEnded` ended records: at
// 100 jobs/s ten minutes would be 60,000), so a late duplicate (a second terminal state, a
// second start of the same run, a stale token) is still caught. Any event
// about the job revives the record; it retires again once the job has ended again. After the
// window a job that reappears starts a fresh record, and the checks see only what comes next.

/** The checkers' memory of one job. Maps are made on first use: most jobs need only some. */
export class JobRecord {
  terminals = 0;
  /** The gate that accepted the job, or null. */
  acceptedBy: string | null = null;
  clientSubmitted = false;
  clientAnswers = 0;
  clientRejected = false;
  /** Gates and managers holding the terminal job until its retention passes. */
  holders = 0;
  /** Runs of the job in progress on workers. */
  running = 0;
  /** Highest token issued per DC by any leader (key "dc") and per leader (key "node|dc"). */
  issued: Map<string, number> | null = null;
  /** Highest token each worker accepted per workflow (key "node|workflow"). */
  accepted: Map<string, number> | null = null;
  /** Highest transfer token each worker accepted (key: the worker). */
  transferFloor: Map<string, number> | null = null;
  /** Every run ever started, "dc/workflow#token". */
  started: Set<string> | null = null;
  /** When the job was last seen to have ended, or -1 while it is in flight. */
  retiredAtUs = -1;

  get ended(): boolean {
    const clientDone = !this.clientSubmitted || this.clientAnswers > 0 || this.clientRejected;
    const gateDone = this.acceptedBy === null || this.terminals > 0;
    return clientDone && gateDone && this.holders === 0 && this.running === 0;
  }
}

export class CheckedJobs {
  private readonly records = new Map<string, JobRecord>();
  /** Retirements in time order; an entry is stale when its record was revived since. */
  private retired: { job: string; atUs: number }[] = [];
  private head = 0;

  constructor(
    private readonly windowUs: number,
    /** Told when a job's record is dropped: whoever keeps per-job state drops the job's too. */
    private readonly onForget: (job: string) => void = () => {},
    private readonly maxEnded = 4096,
  ) {}

  /** The job's record, made if missing; touching a retired record revives it. */
  get(job: string): JobRecord {
    let rec = this.records.get(job);
    if (rec === undefined) {
      rec = new JobRecord();
      this.records.set(job, rec);
    }
    rec.retiredAtUs = -1;
    return rec;
  }

  peek(job: string): JobRecord | undefined {
    return this.records.get(job);
  }

  /** After an event about `job`: retires its record if the job has ended. */
  settle(job: string, rec: JobRecord, atUs: number): void {
    if (rec.retiredAtUs >= 0 || !rec.ended) return;
    rec.retiredAtUs = atUs;
    this.retired.push({ job, atUs });
  }

  /** Drops records retired at least `windowUs` before `nowUs` (or beyond the last `maxEnded`) and not revived since. */
  expire(nowUs: number): void {
    const cutoff = nowUs - this.windowUs;
    const list = this.retired;
    // Entries past the count bound go first whatever their age (a stale entry counts too: cheap and safe).
    for (
      let entry = list[this.head];
      entry !== undefined && (entry.atUs <= cutoff || list.length - this.head > this.maxEnded);
      entry = list[++this.head]
    ) {
      if (this.records.get(entry.job)?.retiredAtUs === entry.atUs) {
        this.records.delete(entry.job);
        this.onForget(entry.job);
      }
    }
    // Compact now and then, so the queue holds about one window's retirements.
    if (this.head > 1024 && this.head * 2 > list.length) {
      this.retired = list.slice(this.head);
      this.head = 0;
    }
  }

  values(): IterableIterator<JobRecord> {
    return this.records.values();
  }

  entries(): IterableIterator<[string, JobRecord]> {
    return this.records.entries();
  }

  /** Records held now: jobs in flight plus those inside the window. */
  get size(): number {
    return this.records.size;
  }
}
