import type { LedgerEvent } from '../events/envelope.js';
import type { SealedBatch } from './append.js';
import { IndexedStore, type Entry } from './indexed.js';
import { StoreError, type SavedProjection, type Snapshot } from './port.js';

/**
 * An event store in memory: for tests, examples and services that keep their own persistence.
 * Same contract as the file and PostgreSQL stores; nothing survives the process.
 */
export class MemoryEventStore extends IndexedStore {
  private readonly events: LedgerEvent[] = [];
  private readonly lines: string[] = [];
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly projections = new Map<string, SavedProjection>();

  protected async write(batch: SealedBatch): Promise<void> {
    this.events.push(...batch.events);
    this.lines.push(...batch.lines);
  }

  protected async entries(positions: readonly number[]): Promise<Entry[]> {
    return positions.map((p) => {
      const event = this.events[p - 1];
      const line = this.lines[p - 1];
      if (event === undefined || line === undefined)
        throw new StoreError('store-corrupt', `no event at position ${p}`);
      return { event, line };
    });
  }

  protected async release(): Promise<void> {}

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.ensureOpen();
    const old = this.snapshots.get(snapshot.budgetId);
    if (old !== undefined && old.format === snapshot.format && old.version > snapshot.version) return;
    this.snapshots.set(snapshot.budgetId, { ...snapshot });
  }

  async loadSnapshot(budgetId: string): Promise<Snapshot | null> {
    this.ensureOpen();
    return this.snapshots.get(budgetId) ?? null;
  }

  async deleteSnapshot(budgetId: string): Promise<void> {
    this.ensureOpen();
    this.snapshots.delete(budgetId);
  }

  async loadProjection(name: string): Promise<SavedProjection | null> {
    this.ensureOpen();
    return this.projections.get(name) ?? null;
  }

  async saveProjection(name: string, saved: SavedProjection): Promise<void> {
    this.ensureOpen();
    this.projections.set(name, { ...saved });
  }
}
