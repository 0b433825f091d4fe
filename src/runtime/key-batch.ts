/**
 * Keys gathered over one turn of the event loop and handed on together: many outbox jobs that finish
 * in the same turn cost one Redis command, not one each.
 */
export class KeyBatch {
  private keys: string[] = [];
  private pending: Promise<void> | null = null;

  constructor(private readonly handle: (keys: string[]) => Promise<void>) {}

  add(key: string): void {
    this.keys.push(key);
    this.pending ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  /** Hands on what is gathered now; resolves once the handler is done. */
  async flush(): Promise<void> {
    const keys = this.keys;
    this.keys = [];
    this.pending = null;
    if (keys.length) await this.handle(keys);
  }
}
