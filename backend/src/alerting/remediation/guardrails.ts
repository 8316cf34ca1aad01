// The guardrails of automatic remediation as small state machines over an injected clock (ms), so each
// can be tested without sleeping: a sliding-window rate limit, per-target locks and cooldowns, and a
// per-action circuit breaker (closed → open after K consecutive failures → half-open after a timeout).

/** At most `limit` starts in any `windowMs`. */
export class RateLimiter {
  private starts: number[] = [];
  constructor(private readonly limit: number, private readonly windowMs = 60_000) {}
  private prune(now: number): void {
    this.starts = this.starts.filter((t) => now - t < this.windowMs);
  }
  allows(now: number): boolean {
    this.prune(now);
    return this.starts.length < this.limit;
  }
  record(now: number): void {
    this.starts.push(now);
  }
}

/** One action at a time per target. */
export class TargetLocks {
  private readonly held = new Map<string, string>();
  holder(target: string): string | undefined {
    return this.held.get(target);
  }
  tryLock(target: string, by: string): boolean {
    if (this.held.has(target)) return false;
    this.held.set(target, by);
    return true;
  }
  unlock(target: string): void {
    this.held.delete(target);
  }
}

/** No new action on a target until its cooldown (set when the previous action finished) has passed. */
export class Cooldowns {
  private readonly until = new Map<string, number>();
  remainingMs(target: string, now: number): number {
    return Math.max(0, (this.until.get(target) ?? 0) - now);
  }
  start(target: string, now: number, ms: number): void {
    this.until.set(target, now + ms);
  }
  /** Restores a cooldown read back from the store. */
  restore(target: string, until: number): void {
    this.until.set(target, until);
  }
}

export interface BreakerSnapshot { failures: number; openedAt: number }

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  constructor(private readonly threshold: number, private readonly resetMs: number) {}

  state(now: number): BreakerState {
    if (this.failures < this.threshold) return 'closed';
    return now - this.openedAt >= this.resetMs ? 'half-open' : 'open';
  }
  /** Closed: yes. Open: no. Half-open: one trial at a time. */
  tryPass(now: number): boolean {
    const s = this.state(now);
    if (s === 'closed') return true;
    if (s === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }
  record(ok: boolean, now: number): void {
    this.trialInFlight = false;
    if (ok) {
      this.failures = 0;
      return;
    }
    this.failures++;
    if (this.failures >= this.threshold) this.openedAt = now;
  }
  retryAt(): number {
    return this.openedAt + this.resetMs;
  }
  consecutiveFailures(): number {
    return this.failures;
  }
  /** What survives a restart; a trial in flight does not (its process is gone with the old companion). */
  snapshot(): BreakerSnapshot {
    return { failures: this.failures, openedAt: this.openedAt };
  }
  restore(s: BreakerSnapshot): void {
    this.failures = s.failures;
    this.openedAt = s.openedAt;
    this.trialInFlight = false;
  }
}
