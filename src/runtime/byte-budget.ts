/**
 * A process-wide bound on the bytes of mail being worked on at once. Most mails are a few KB and
 * spend their time waiting on Redis, IMAP and SMTP, so many are taken at once (INGEST_CONCURRENCY);
 * a photo mail is megabytes, read into memory, decoded and checked, so as many photo mails at once
 * would multiply the memory they hold. Each job asks for its mail's size: it goes on while the sizes
 * in progress stay within the budget, or when nothing else is in progress (a mail larger than the
 * whole budget still goes, alone). Waiters are served in arrival order, so a large mail is not
 * overtaken forever by small ones.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; go: () => void }[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    await this.acquire(bytes);
    try {
      return await work();
    } finally {
      this.used -= bytes;
      this.admit();
    }
  }

  /** Bytes held by the work in progress. */
  get inUse(): number {
    return this.used;
  }

  private acquire(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((go) => this.waiting.push({ bytes, go }));
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.limit;
  }

  private admit(): void {
    for (let next = this.waiting[0]; next && this.fits(next.bytes); next = this.waiting[0]) {
      this.waiting.shift();
      this.used += next.bytes;
      next.go();
    }
  }
}
