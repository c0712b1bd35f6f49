import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Core } from '../index.js';
import { notFound, unavailable } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import { ConfigError, listVersions, parseConfig, selectVersions, versionStamp, type ModelConfig } from './repository.js';
import { loadVersion, type ServedVersion } from './served-version.js';

/** The structured logger the server writes through (fastify's pino logger fits). */
export interface Logger {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

/** OVMS's model version states, as reported by the status API. */
export type VersionState = 'LOADING' | 'AVAILABLE' | 'FAILED';

interface VersionRecord {
  state: VersionState;
  served?: ServedVersion;
  error?: string;
  /** The directory's file listing when it was last loaded, so a failed load is retried only after a change. */
  stamp: string;
}

/** One configured model: its config and the versions it has loaded or tried to. */
class ModelEntry {
  readonly records = new Map<number, VersionRecord>();
  constructor(readonly config: ModelConfig) {}

  available(): ServedVersion[] {
    return [...this.records.values()].flatMap((r) => (r.state === 'AVAILABLE' && r.served ? [r.served] : []))
      .sort((a, b) => b.version - a.version);
  }
}

export interface ModelStatus {
  name: string;
  versions: Array<{ version: number; state: VersionState; error?: string }>;
}

const messageOf = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * The model repository as served: loads the versions each config's policy selects, swaps versions in
 * and out as directories or config.json change, and retires a version only after its in-flight requests
 * finish, so a reload never fails a request.
 */
export class ModelManager {
  private readonly models = new Map<string, ModelEntry>();
  /** Reloads run one after another; a request never waits for them. */
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastConfigText: string | undefined;
  private polling = false;
  ready = false;

  constructor(private readonly core: Core, private readonly log: Logger, private readonly metrics: ServerMetrics) {}

  /** Serves exactly these models: new ones load, changed ones reload, missing ones retire. */
  setConfigs(configs: readonly ModelConfig[]): Promise<void> {
    return this.enqueue(async () => {
      const wanted = new Set(configs.map((c) => c.name));
      for (const [name, entry] of [...this.models]) {
        if (!wanted.has(name)) {
          this.models.delete(name);
          this.log.info({ model: name }, 'model removed from config');
          await this.retireAll(entry);
        }
      }
      for (const config of configs) {
        const current = this.models.get(config.name);
        if (current && JSON.stringify(current.config) === JSON.stringify(config)) {
          await this.refreshEntry(current);
          continue;
        }
        // A changed model loads beside the old one, which serves until the swap.
        const entry = new ModelEntry(config);
        await this.refreshEntry(entry);
        this.models.set(config.name, entry);
        if (current) {
          this.log.info({ model: config.name }, 'model config changed; reloaded');
          await this.retireAll(current);
        }
      }
      this.ready = true;
    });
  }

  /** Re-reads every model's version directories. */
  refresh(): Promise<void> {
    return this.enqueue(async () => {
      for (const entry of this.models.values()) await this.refreshEntry(entry);
    });
  }

  /**
   * Polls the repository every `intervalMs` (OVMS's file_system_poll_wait_seconds): config.json, when
   * given, is re-read and applied if its text changed; otherwise the version directories are rescanned.
   */
  startPolling(intervalMs: number, configPath?: string): void {
    if (configPath) this.lastConfigText = readFileSync(configPath, 'utf8');
    this.timer = setInterval(() => { void this.poll(configPath); }, intervalMs);
    this.timer.unref();
  }

  private async poll(configPath?: string): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const text = configPath && existsSync(configPath) ? readFileSync(configPath, 'utf8') : undefined;
      if (configPath && text !== undefined && text !== this.lastConfigText) {
        this.lastConfigText = text;
        let configs: ModelConfig[];
        try {
          configs = parseConfig(text, dirname(configPath));
        } catch (e) {
          this.log.error({ config: configPath, error: messageOf(e) }, 'config.json change ignored: the new config is invalid');
          return;
        }
        this.log.info({ config: configPath }, 'config.json changed; applying');
        await this.setConfigs(configs);
      } else {
        await this.refresh();
      }
    } catch (e) {
      this.log.error({ error: messageOf(e) }, 'repository poll failed');
    } finally {
      this.polling = false;
    }
  }

  /** The version a request names, or the highest available one. */
  resolve(name: string, version?: string): ServedVersion {
    const entry = this.models.get(name);
    if (!entry) {
      const names = [...this.models.keys()].map((n) => `"${n}"`).join(', ') || 'none';
      throw notFound(`model "${name}" is not served; served models: ${names}`);
    }
    if (version !== undefined && version !== '') {
      const record = /^\d+$/.test(version) ? entry.records.get(Number(version)) : undefined;
      if (record?.state === 'AVAILABLE' && record.served) return record.served;
      if (record?.state === 'FAILED') throw unavailable(`model "${name}" version ${version} failed to load: ${record.error}`);
      if (record?.state === 'LOADING') throw unavailable(`model "${name}" version ${version} is still loading`);
      const have = entry.available().map((v) => v.version).join(', ') || 'none';
      throw notFound(`model "${name}" has no version ${version}; available versions: ${have}`);
    }
    const latest = entry.available()[0];
    if (latest) return latest;
    const failed = [...entry.records.entries()].filter(([, r]) => r.state === 'FAILED');
    if (failed.length) throw unavailable(`model "${name}" has no available version: ${failed.map(([v, r]) => `version ${v} failed to load: ${r.error}`).join('; ')}`);
    throw unavailable(`model "${name}" has no loaded version (no version directory under ${entry.config.basePath}, or still loading)`);
  }

  /** Whether a model (or one version of it) can serve now. */
  isModelReady(name: string, version?: string): boolean {
    try {
      this.resolve(name, version);
      return true;
    } catch {
      return false;
    }
  }

  hasModel(name: string): boolean { return this.models.has(name); }

  status(): ModelStatus[] {
    return [...this.models.values()].map((e) => ({
      name: e.config.name,
      versions: [...e.records.entries()].sort(([a], [b]) => b - a)
        .map(([version, r]) => ({ version, state: r.state, ...(r.error ? { error: r.error } : {}) })),
    }));
  }

  /** Requests running or queued on any version. */
  inFlight(): number {
    return [...this.models.values()].reduce((n, e) => n + e.available().reduce((m, v) => m + v.inFlight(), 0), 0);
  }

  /** Stops polling and waits until every version's in-flight requests have finished. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue;
    await Promise.all([...this.models.values()].flatMap((e) => e.available().map((v) => v.whenIdle())));
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.queue.then(job);
    this.queue = run.catch((e: unknown) => this.log.error({ error: messageOf(e) }, 'model reload failed'));
    return run;
  }

  private async refreshEntry(entry: ModelEntry): Promise<void> {
    const { config } = entry;
    const wanted = selectVersions(config.versionPolicy, listVersions(config.basePath));
    if (wanted.length === 0 && config.versionPolicy.kind !== 'specific' && entry.records.size === 0) {
      this.log.warn({ model: config.name, basePath: config.basePath }, 'model has no version directories yet');
    }
    for (const version of wanted) await this.loadIfNeeded(entry, version);
    const anyWantedUp = wanted.some((v) => entry.records.get(v)?.state === 'AVAILABLE');
    for (const [version, record] of [...entry.records]) {
      if (wanted.includes(version)) continue;
      if (record.state !== 'AVAILABLE') { entry.records.delete(version); continue; }
      // Keep serving an outgoing version until a replacement is up, unless its files are gone.
      if (!anyWantedUp && existsSync(join(config.basePath, String(version)))) continue;
      entry.records.delete(version);
      await this.retire(record);
    }
  }

  private async loadIfNeeded(entry: ModelEntry, version: number): Promise<void> {
    const { config } = entry;
    const existing = entry.records.get(version);
    if (existing?.state === 'AVAILABLE') return;
    const stamp = versionStamp(join(config.basePath, String(version)));
    if (existing?.state === 'FAILED' && existing.stamp === stamp) return;
    const record: VersionRecord = { state: 'LOADING', stamp };
    entry.records.set(version, record);
    const started = Date.now();
    try {
      const batchLabels = { name: config.name, version: String(version) };
      const served = await loadVersion(this.core, config, version, (rows) => this.metrics.batchSize.observe(batchLabels, rows));
      Object.assign(record, { state: 'AVAILABLE', served });
      const labels = { name: config.name, version: String(version) };
      this.metrics.streams.set(labels, served.streams);
      this.metrics.inferReqQueueSize.set(labels, served.pool.size);
      this.log.info({ model: config.name, version, nireq: served.pool.size, device: config.targetDevice, ms: Date.now() - started }, 'model version loaded');
    } catch (e) {
      Object.assign(record, { state: 'FAILED', error: e instanceof ConfigError ? e.message : messageOf(e) });
      this.log.error({ model: config.name, version, error: record.error }, 'model version failed to load');
    }
  }

  private async retireAll(entry: ModelEntry): Promise<void> {
    const records = [...entry.records.values()];
    entry.records.clear();
    await Promise.all(records.map((r) => this.retire(r)));
  }

  /** Waits for the version's in-flight requests (already off the lookup map), then drops its metrics. */
  private async retire(record: VersionRecord): Promise<void> {
    const served = record.served;
    if (!served) return;
    await served.whenIdle();
    // A reloaded config serves the same name and version anew; its series stay.
    const successor = this.models.get(served.name)?.records.get(served.version);
    if (successor?.served !== served && successor?.state !== 'AVAILABLE') this.metrics.forgetVersion(served.name, String(served.version));
    this.log.info({ model: served.name, version: served.version }, 'model version unloaded');
  }
}
