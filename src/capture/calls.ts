/**
 * The calls in flight: the transports (fetch, http) ask here to start a call
 * for a recognised request; each call is read from its context once (who it is
 * charged to, which conversation it belongs to), tracked until it settles, and
 * closed by the sweep when its response stops moving.
 */
import type { Context } from '@opentelemetry/api';
import type { ProviderRegistry, Recognition } from '../providers/registry.js';
import type { Attributor } from '../record/attribution.js';
import type { CallObserver } from '../record/call-observer.js';
import type { PricingContexts } from '../record/price-facts.js';
import { readWorkUnitIds, type WorkUnitSources } from '../record/work-unit-ids.js';
import { Call, type CallDeps } from './call.js';

/** Where a call goes, as a URL tells it (a URL is one). */
export interface ServerOf {
  readonly protocol: string;
  /** Lower case, an IPv6 literal in brackets. */
  readonly hostname: string;
  /** '' for the protocol's default port. */
  readonly port: string;
}

/** What the transports need: which requests are AI calls, and where to start one. */
export interface CaptureHost {
  readonly registry: ProviderRegistry;
  /** Starts a call for a recognised request; undefined when calls are not being captured. */
  startCall(recognition: Recognition, parent: Context, server: ServerOf, contentType: string | undefined): Call | undefined;
  onInternalError(error: unknown, where: string): void;
}

/** What calls are started with; replaced as a whole when the configuration changes. */
export interface CallSettings {
  readonly registry: ProviderRegistry;
  readonly pricing: PricingContexts;
  readonly attributor: Attributor;
  readonly workUnitSources: WorkUnitSources;
  readonly callTimeoutMs: number;
}

/**
 * Stalled calls are looked for at least twice a second (a call is closed within two sweeps
 * of its timeout: Call.stalled), and no more than every 25 ms.
 */
const MAX_SWEEP_INTERVAL_MS = 500;
const MIN_SWEEP_INTERVAL_MS = 25;

export class CallTracker implements CaptureHost {
  private readonly active = new Set<Call>();
  private readonly deps: CallDeps;
  private sweeper: NodeJS.Timeout | undefined;
  private beforeFirst: (() => void) | undefined;

  constructor(
    private settings: CallSettings,
    observer: CallObserver,
    private readonly capturing: () => boolean,
    readonly onInternalError: (error: unknown, where: string) => void,
  ) {
    this.deps = { observer, onInternalError, onSettled: (call) => this.active.delete(call) };
  }

  get registry(): ProviderRegistry {
    return this.settings.registry;
  }

  get inFlight(): number {
    return this.active.size;
  }

  /** Calls started from now on use these (calls in flight keep theirs). */
  configure(settings: CallSettings): void {
    this.settings = settings;
    if (this.sweeper !== undefined) this.startSweeper();
  }

  /** Runs `fn` synchronously when the next call starts, before its span does. */
  beforeFirstCall(fn: (() => void) | undefined): void {
    this.beforeFirst = fn;
  }

  startCall(recognition: Recognition, parent: Context, server: ServerOf, contentType: string | undefined): Call | undefined {
    if (!this.capturing()) return undefined;
    if (this.beforeFirst !== undefined) {
      const first = this.beforeFirst;
      this.beforeFirst = undefined;
      try {
        first();
      } catch (error) {
        this.onInternalError(error, 'beforeFirstCall');
      }
      if (!this.capturing()) return undefined;
    }
    const { attributor, workUnitSources, pricing } = this.settings;
    const port = server.port === '' ? (server.protocol === 'https:' ? 443 : 80) : Number(server.port);
    const origin = {
      parent,
      attribution: attributor.of(parent),
      workUnitIds: readWorkUnitIds(parent, recognition.head.header, workUnitSources),
    };
    const call = new Call(recognition, this.deps, origin, pricing, server.hostname, port, contentType);
    this.active.add(call);
    return call;
  }

  /** Often enough that a stalled call is closed within a second of its timeout. */
  startSweeper(): void {
    this.stopSweeper();
    const timeout = this.settings.callTimeoutMs;
    this.sweeper = setInterval(() => this.sweep(), Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(MIN_SWEEP_INTERVAL_MS, timeout / 8)));
    this.sweeper.unref();
  }

  stopSweeper(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Closes calls whose response stopped moving (a body the application never read). */
  private sweep(): void {
    const timeout = this.settings.callTimeoutMs;
    const now = performance.now();
    for (const call of this.active) {
      if (call.stalled(now, timeout)) call.fail(Object.assign(new Error('no progress within callTimeoutMs'), { name: 'Timeout' }));
    }
  }
}
