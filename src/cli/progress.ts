// The CLIs' progress on stderr: on a terminal, one bar redrawn in place
// ("[########----------] 12/40 reports · OCR page 2/3 of scan.pdf · 3.1/s · ~9 s left");
// in a log file (not a TTY), a plain line at most once a second, so logs stay readable.

const BAR_WIDTH = 24;
const TTY_INTERVAL_MS = 100;
const LOG_INTERVAL_MS = 1000;

export class ProgressBar {
  private readonly start = Date.now();
  private lastDraw = 0;
  private drawn = false;
  private activity = '';
  count = 0;

  constructor(
    private readonly label: string,
    private readonly total: number | null,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  get seconds(): number {
    return (Date.now() - this.start) / 1000;
  }

  rate(): string {
    return (this.count / Math.max(this.seconds, 1e-3)).toFixed(1);
  }

  /** One more input handled. */
  tick(): void {
    this.count += 1;
    this.activity = '';
    this.draw(false);
  }

  /** What the current input is doing ("OCR page 2/3 of scan.pdf"), shown until the next tick. */
  doing(activity: string): void {
    this.activity = activity;
    this.draw(false);
  }

  /** Writes a message (an error about one input) on its own line, above the bar. */
  say(line: string): void {
    this.clear();
    this.stream.write(line.endsWith('\n') ? line : `${line}\n`);
    this.draw(true);
  }

  /** The bar's last state stays on screen; the summary goes below it. */
  finish(summary: string): void {
    this.draw(true);
    if (this.drawn && this.stream.isTTY) this.stream.write('\n');
    this.drawn = false;
    this.stream.write(`${summary}\n`);
  }

  line(): string {
    const parts = [];
    if (this.total !== null && this.total > 0) {
      const filled = Math.round((this.count / this.total) * BAR_WIDTH);
      parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${this.count}/${this.total} reports`);
    } else {
      parts.push(`${this.count} reports`);
    }
    if (this.activity) parts.push(this.activity);
    parts.push(`${this.rate()}/s`);
    if (this.total !== null && this.count > 0 && this.count < this.total) {
      parts.push(`~${Math.ceil(((this.total - this.count) * this.seconds) / this.count)} s left`);
    }
    return `${this.label}: ${parts.join(' · ')}`;
  }

  private draw(force: boolean): void {
    const now = Date.now();
    const tty = this.stream.isTTY === true;
    if (!force && now - this.lastDraw < (tty ? TTY_INTERVAL_MS : LOG_INTERVAL_MS)) return;
    if (!tty && force) return;
    this.lastDraw = now;
    if (tty) {
      this.stream.write(`\r\x1b[K${this.line()}`);
      this.drawn = true;
    } else {
      this.stream.write(`${this.line()}\n`);
    }
  }

  private clear(): void {
    if (this.drawn && this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
