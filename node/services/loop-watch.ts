/**
 * Warns when the event loop was blocked for long (a block too heavy to execute, a synchronous
 * proof check): consensus timers and peers' messages wait meanwhile, so a round that fails at the
 * same time is explained by this line rather than by the network.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from 'pino';

export class LoopWatch {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly log: Logger, private readonly thresholdMs = 1000, private readonly everyMs = 10_000) {}

  start(): void {
    this.histogram.enable();
    this.timer = setInterval(() => this.check(), this.everyMs);
    this.timer.unref();
  }

  private check(): void {
    const maxMs = Math.round(this.histogram.max / 1e6);
    if (maxMs >= this.thresholdMs) this.log.warn({ maxMs, p99Ms: Math.round(this.histogram.percentile(99) / 1e6), windowSeconds: this.everyMs / 1000 }, 'event loop stalled');
    this.histogram.reset();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram.disable();
  }
}
