/**
 * The seam between the core and whatever serves it to the office network. The core knows nothing of
 * sockets: the headless host (`--office`) or the desktop app's main process (Settings → Office → Share)
 * attaches its listener here, and the office.* channels read it.
 */
import type { OfficeStatus } from '../../../shared/contracts';

/** What a running network listener tells the core about itself. */
export interface OfficeListener {
  urls: string[];
  fingerprint: string;
  certificate: 'self-signed' | 'provided';
}

/** Turns sharing on or off: only hosts that can start and stop a listener (the desktop app) give one. */
export type ShareControl = (on: boolean) => Promise<void>;

export class OfficeHost {
  private listener: OfficeListener | null = null;
  private control: ShareControl | null = null;
  private readonly changed = new Set<() => void>();

  /** The listener is up (or its details changed). */
  attach(listener: OfficeListener): void {
    this.listener = listener;
    for (const f of this.changed) f();
  }

  detach(): void {
    this.listener = null;
    for (const f of this.changed) f();
  }

  /** The host can turn sharing on and off through `control`. */
  allowShare(control: ShareControl): void {
    this.control = control;
  }

  get shareControl(): ShareControl | null {
    return this.control;
  }

  get sharing(): boolean {
    return this.listener !== null;
  }

  /** Called when sharing starts or stops (the core announces an `office` change). */
  onChange(f: () => void): () => void {
    this.changed.add(f);
    return () => this.changed.delete(f);
  }

  status(blocked: string | null): OfficeStatus {
    const l = this.listener;
    return {
      sharing: l !== null,
      canShare: this.control !== null,
      urls: l?.urls ?? [],
      fingerprint: l?.fingerprint ?? null,
      certificate: l?.certificate ?? null,
      blocked,
    };
  }
}
