/**
 * The hash-chain checks of the log contract, in one place for every reader: `seq` runs 1, 2,
 * 3... per budget, each `prevHash` is the previous `hash` of its budget, `recordedAt` never goes
 * back. {@link ChainChecker} applies them line after line (one reader, the whole file);
 * {@link RangeChainBuilder} applies them inside one byte range read by a worker, and
 * {@link joinChains} stitches the ranges of a file together in order, checking each budget's
 * link across range boundaries and its start at `seq` 1. `ipb verify`, `ipb balances`, the
 * other replaying commands and `ipb outcomes` all use these functions, so a break is named with
 * the same words whichever reader (and however many workers) found it.
 *
 * The order of the checks on one line is fixed: the line's own checks first (JSON, contract
 * shape, then its recomputed `hash`), then its link to the budget's previous event.
 */
import { GENESIS_HASH } from '../events/envelope.js';
import { hashOfLine } from './hash.js';
import type { RawLine } from './line-record.js';

/** One end of a budget's run of events inside a range. */
export interface ChainEnd {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly recordedAt: string;
  /** Line number inside the range (1-based). */
  readonly line: number;
}

/** A problem with the chain: where (line inside its range), which budget and seq, and why. */
export interface ChainBreak {
  readonly line: number;
  readonly budgetId: string;
  readonly seq: number;
  /** Why, naming lines inside the range ({@link joinChains} names them in the file). */
  readonly reason: string;
  /** The two events that do not link (lines inside the range), when the break is between two. */
  readonly prev?: ChainEnd;
  readonly next?: ChainEnd;
}

/**
 * The chain facts of one range: per budget its first and last event in the range, kept in flat
 * typed arrays ({@link ChainEndsData}; budget `i` of `ids` has its first event in slot `2i` and
 * its last in slot `2i + 1`), and the breaks between events inside the range. No object or
 * string per budget but its id: a worker sends it to the main thread as a few array buffers.
 */
export interface RangeChain {
  /** Budget ids, in the order first seen in the range. */
  readonly ids: readonly string[];
  readonly ends: ChainEndsData;
  /** Breaks between events inside the range. */
  readonly breaks: ChainBreak[];
}

/** JSON form of {@link RangeChain} (for worker messages: its typed arrays are cloned or transferred as they are). */
export type RangeChainJson = RangeChain;

/** The arrays of a {@link ChainEndSlots} (see there), as sent between threads. */
export interface ChainEndsData {
  readonly used: number;
  readonly seqs: Float64Array;
  readonly lines: Float64Array;
  readonly firstLines: Float64Array;
  readonly hashes: Uint8Array;
  readonly prevs: Uint8Array;
  readonly times: Uint8Array;
  /** Slots whose strings are not of the usual form, with the strings. */
  readonly odd: ReadonlyArray<readonly [number, string, string, string]>;
}

/** The first 12 hex digits of a hash and an ellipsis, as messages show hashes. */
export const short = (h: string): string => `${h.slice(0, 12)}...`;

/**
 * Why a line's `hash` does not hold: it does not recompute, or the line has no canonical JSON
 * form. Null when it holds. With the line's text, the hash comes from the text itself when it is
 * already canonical ({@link hashOfLine}).
 */
export function hashProblem(raw: RawLine, text?: string): string | null {
  const hash = raw['hash'] as string;
  let actual: string;
  try {
    actual = hashOfLine(raw, text);
  } catch (e) {
    return `the line has no canonical JSON form (${e instanceof Error ? e.message : String(e)})`;
  }
  if (actual === hash) return null;
  return `hash ${short(hash)} does not match the line's contents (they hash to ${short(actual)}): the line was changed after it was sealed`;
}

/** The chain end of a decoded line (its `seq`, `prevHash`, `hash`, `recordedAt`) at `line`. */
export function chainEndOf(raw: RawLine, line: number): ChainEnd {
  return {
    seq: raw['seq'] as number,
    prevHash: raw['prevHash'] as string,
    hash: raw['hash'] as string,
    recordedAt: raw['recordedAt'] as string,
    line,
  };
}

/**
 * Why `next` cannot follow `prev` in a budget's chain, or null when it can: `seq` one more,
 * `prevHash` equal to the previous `hash`, `recordedAt` not earlier.
 */
export function linkProblem(
  budgetId: string,
  prev: Pick<ChainEnd, 'seq' | 'hash' | 'recordedAt'>,
  prevLine: number,
  next: ChainEnd,
): string | null {
  if (next.seq <= prev.seq) {
    return next.seq === prev.seq
      ? `seq ${next.seq} repeats line ${prevLine}: the event was duplicated or a second event was inserted`
      : `seq ${next.seq} goes back: budget ${budgetId} was already at seq ${prev.seq} (line ${prevLine}); events are out of order`;
  }
  if (next.seq !== prev.seq + 1) {
    return `seq ${next.seq} skips seq ${prev.seq + 1}${next.seq > prev.seq + 2 ? `-${next.seq - 1}` : ''}: expected seq ${prev.seq + 1} after line ${prevLine}; events were removed or moved`;
  }
  if (next.prevHash !== prev.hash) {
    return `prevHash ${short(next.prevHash)} does not match the hash ${short(prev.hash)} of seq ${prev.seq} (line ${prevLine}): that event was changed and re-sealed, or an event was inserted or removed`;
  }
  if (next.recordedAt < prev.recordedAt) {
    return `recordedAt ${next.recordedAt} goes back: seq ${prev.seq} (line ${prevLine}) was recorded at ${prev.recordedAt}`;
  }
  return null;
}

/** Why an event cannot be the first of its budget in the log, or null. */
export function startProblem(budgetId: string, first: ChainEnd): string | null {
  if (first.seq !== 1) {
    return `seq ${first.seq} is the first event of budget ${budgetId} in the log, but a budget starts at seq 1: its earlier events are missing`;
  }
  if (first.prevHash !== GENESIS_HASH) return 'prevHash of seq 1 must be 64 zeros';
  return null;
}

/** Where a budget's chain stands after the lines read so far. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
  readonly recordedAt: string;
  /** Line of the budget's last event. */
  readonly line: number;
  /** Line of the budget's first event. */
  readonly firstLine: number;
}

/** A problem found on one line: the line (1-based), its budget and `seq`, and why. */
export interface LineProblemAt {
  readonly line: number;
  readonly budgetId: string;
  readonly seq: number;
  readonly reason: string;
}

/** Characters of a stored hash and of a stored `recordedAt`. */
const HASH_CHARS = 64;
/** Bytes of a stored hash (its 64 hex digits, two a byte). */
const HASH_BYTES = 32;
const TIME_CHARS = 24;

/**
 * Chain ends kept in flat typed arrays, one slot each (112 bytes): `seq`, line, first line,
 * `hash` and `prevHash` as 32 bytes each (their 64 lowercase hex digits) and the 24 one-byte
 * characters of `recordedAt`, the forms every line that passed its own checks has. Nothing of a line's parsed object outlives the
 * line: a budget's head is updated in place, so a reader holds no object or string per budget
 * that the garbage collector would copy or promote as the budget's next line comes (which is
 * what lets a reader thread run with a small young generation). A value of any other form (a
 * line checked without the contract, in a test) is kept as it is in a side map: the answers are
 * the same either way.
 */
class ChainEndSlots {
  private seqs: Float64Array;
  private lines: Float64Array;
  private firstLines: Float64Array;
  private hashes: Uint8Array;
  private prevs: Uint8Array;
  private times: Uint8Array;
  private odd: Map<number, { hash: string; prevHash: string; recordedAt: string }> | null = null;
  private used: number;

  constructor(data?: ChainEndsData) {
    const n = 1024;
    this.used = data?.used ?? 0;
    this.seqs = data?.seqs ?? new Float64Array(n);
    this.lines = data?.lines ?? new Float64Array(n);
    this.firstLines = data?.firstLines ?? new Float64Array(n);
    this.hashes = data?.hashes ?? new Uint8Array(n * HASH_BYTES);
    this.prevs = data?.prevs ?? new Uint8Array(n * HASH_BYTES);
    this.times = data?.times ?? new Uint8Array(n * TIME_CHARS);
    if (data !== undefined && data.odd.length > 0) {
      this.odd = new Map(
        data.odd.map(([slot, hash, prevHash, recordedAt]) => [slot, { hash, prevHash, recordedAt }]),
      );
    }
  }

  /** The arrays (not copies: this object must not be changed afterwards). */
  data(): ChainEndsData {
    return {
      used: this.used,
      seqs: this.seqs,
      lines: this.lines,
      firstLines: this.firstLines,
      hashes: this.hashes,
      prevs: this.prevs,
      times: this.times,
      odd: [...(this.odd ?? [])].map(([slot, o]) => [slot, o.hash, o.prevHash, o.recordedAt] as const),
    };
  }

  /**
   * True when the end in slot `f` of `other` certainly links after the end in `slot` here (see
   * {@link ChainEndSlots.linksAfter}); false means "ask {@link linkProblem}".
   */
  linksAfterSlot(slot: number, other: ChainEndSlots, f: number): boolean {
    if ((other.seqs[f] as number) !== (this.seqs[slot] as number) + 1) return false;
    if ((this.odd !== null && this.odd.has(slot)) || (other.odd !== null && other.odd.has(f))) return false;
    const h = this.hashes;
    const p = other.prevs;
    const ho = slot * HASH_BYTES;
    const po = f * HASH_BYTES;
    for (let i = 0; i < HASH_BYTES; i++) if (p[po + i] !== h[ho + i]) return false;
    const t = this.times;
    const u = other.times;
    const to = slot * TIME_CHARS;
    const uo = f * TIME_CHARS;
    for (let i = 0; i < TIME_CHARS; i++) {
      const c = u[uo + i] as number;
      const d = t[to + i] as number;
      if (c !== d) return c > d;
    }
    return true;
  }

  /** True when the end in `slot` certainly starts a chain (`seq` 1 after the genesis hash); false: ask {@link startProblem}. */
  startsChain(slot: number): boolean {
    if (this.seqs[slot] !== 1 || (this.odd !== null && this.odd.has(slot))) return false;
    const p = this.prevs;
    const po = slot * HASH_BYTES;
    for (let i = 0; i < HASH_BYTES; i++) if (p[po + i] !== 0) return false;
    return true;
  }

  /** Copies slot `f` of `other` into `slot` here, its line moved by `lineOffset`. */
  copyFrom(slot: number, other: ChainEndSlots, f: number, lineOffset: number): void {
    this.seqs[slot] = other.seqs[f] as number;
    this.lines[slot] = (other.lines[f] as number) + lineOffset;
    this.hashes.set(other.hashes.subarray(f * HASH_BYTES, (f + 1) * HASH_BYTES), slot * HASH_BYTES);
    this.prevs.set(other.prevs.subarray(f * HASH_BYTES, (f + 1) * HASH_BYTES), slot * HASH_BYTES);
    this.times.set(other.times.subarray(f * TIME_CHARS, (f + 1) * TIME_CHARS), slot * TIME_CHARS);
    const odd = other.odd?.get(f);
    if (odd !== undefined) (this.odd ??= new Map()).set(slot, odd);
    else this.odd?.delete(slot);
  }

  /** Slots in use. */
  get size(): number {
    return this.used;
  }

  /** A new slot (its contents set by {@link ChainEndSlots.set}). */
  allocate(): number {
    if (this.used === this.seqs.length) {
      const n = this.used * 2;
      const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T, per: number): T => {
        const b = make(n * per);
        b.set(a);
        return b;
      };
      this.seqs = grow(this.seqs, (k) => new Float64Array(k), 1);
      this.lines = grow(this.lines, (k) => new Float64Array(k), 1);
      this.firstLines = grow(this.firstLines, (k) => new Float64Array(k), 1);
      this.hashes = grow(this.hashes, (k) => new Uint8Array(k), HASH_BYTES);
      this.prevs = grow(this.prevs, (k) => new Uint8Array(k), HASH_BYTES);
      this.times = grow(this.times, (k) => new Uint8Array(k), TIME_CHARS);
    }
    return this.used++;
  }

  /** Sets a slot from a line's chain fields. */
  set(slot: number, seq: number, prevHash: string, hash: string, recordedAt: string, line: number): void {
    this.seqs[slot] = seq;
    this.lines[slot] = line;
    if (
      !putHex(this.hashes, slot * HASH_BYTES, hash) ||
      !putHex(this.prevs, slot * HASH_BYTES, prevHash) ||
      !putChars(this.times, slot * TIME_CHARS, recordedAt, TIME_CHARS)
    ) {
      (this.odd ??= new Map()).set(slot, { hash, prevHash, recordedAt });
    } else {
      this.odd?.delete(slot);
    }
  }

  setFirstLine(slot: number, line: number): void {
    this.firstLines[slot] = line;
  }

  seq(slot: number): number {
    return this.seqs[slot] as number;
  }

  line(slot: number): number {
    return this.lines[slot] as number;
  }

  firstLine(slot: number): number {
    return this.firstLines[slot] as number;
  }

  /**
   * True when a line with these fields certainly links after the end in `slot` (`seq` one more,
   * `prevHash` its `hash`, `recordedAt` not earlier): {@link linkProblem} would say nothing.
   * False means "ask {@link linkProblem}" (which names the problem, if there is one).
   */
  linksAfter(slot: number, seq: number, prevHash: string, recordedAt: string): boolean {
    if (seq !== (this.seqs[slot] as number) + 1) return false;
    if (this.odd !== null && this.odd.has(slot)) return false;
    if (prevHash.length !== HASH_CHARS || recordedAt.length !== TIME_CHARS) return false;
    const h = this.hashes;
    const ho = slot * HASH_BYTES;
    for (let i = 0; i < HASH_BYTES; i++) {
      const hi = HEX_VALUE[prevHash.charCodeAt(2 * i)] as number;
      const lo = HEX_VALUE[prevHash.charCodeAt(2 * i + 1)] as number;
      if (hi < 0 || lo < 0 || hi * 16 + lo !== h[ho + i]) return false;
    }
    const t = this.times;
    const to = slot * TIME_CHARS;
    for (let i = 0; i < TIME_CHARS; i++) {
      const c = recordedAt.charCodeAt(i);
      const d = t[to + i] as number;
      if (c !== d) return c > d;
    }
    return true;
  }

  /** The chain end in a slot, as an object (for messages and the range's result). */
  end(slot: number): ChainEnd {
    const odd = this.odd?.get(slot);
    return {
      seq: this.seqs[slot] as number,
      prevHash: odd?.prevHash ?? getHex(this.prevs, slot * HASH_BYTES),
      hash: odd?.hash ?? getHex(this.hashes, slot * HASH_BYTES),
      recordedAt: odd?.recordedAt ?? getChars(this.times, slot * TIME_CHARS, TIME_CHARS),
      line: this.lines[slot] as number,
    };
  }
}

/** Writes a string of exactly `n` one-byte characters at `at`; false for any other string (then what was written means nothing). */
function putChars(into: Uint8Array, at: number, s: unknown, n: number): boolean {
  if (typeof s !== 'string' || s.length !== n) return false;
  let wide = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    wide |= c;
    into[at + i] = c;
  }
  // a character above 0xff does not fit a byte: the caller keeps the string aside instead
  return wide <= 0xff;
}

/** The value of each lowercase hex digit's UTF-16 code unit, -1 for every other. */
const HEX_VALUE = new Int8Array(65_536).fill(-1);
for (let d = 0; d < 16; d++) HEX_VALUE[d.toString(16).charCodeAt(0)] = d;

/** Writes 64 lowercase hex digits as 32 bytes at `at`; false for any other string (then what was written means nothing). */
function putHex(into: Uint8Array, at: number, s: unknown): boolean {
  if (typeof s !== 'string' || s.length !== HASH_CHARS) return false;
  let bad = 0;
  for (let i = 0; i < HASH_BYTES; i++) {
    const hi = HEX_VALUE[s.charCodeAt(2 * i)] as number;
    const lo = HEX_VALUE[s.charCodeAt(2 * i + 1)] as number;
    bad |= hi | lo;
    into[at + i] = hi * 16 + lo;
  }
  // -1 for a character that is no lowercase hex digit sets the sign bit
  return bad >= 0;
}

function getHex(from: Uint8Array, at: number): string {
  return Buffer.from(from.buffer, from.byteOffset + at, HASH_BYTES).toString('hex');
}

function getChars(from: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...from.subarray(at, at + n));
}

/**
 * Checks each budget's chain line after line, one reader over a whole file: the recomputed
 * `hash` (unless `hashes` is false), then the link to the budget's previous event
 * ({@link startProblem}, {@link linkProblem}). Holds one small slot per budget, never the events.
 */
export class ChainChecker {
  // One slot per budget in flat arrays, updated in place line after line (nothing of a line
  // outlives it: see ChainEndSlots).
  private readonly slots = new ChainEndSlots();
  private readonly ids = new Map<string, number>();

  constructor(private readonly hashes = true) {}

  /**
   * Checks one line whose envelope has already been decoded (`text`: the line as written, when
   * at hand); returns the problem or null.
   */
  check(line: number, raw: RawLine, text?: string): LineProblemAt | null {
    const budgetId = raw['budgetId'] as string;
    const seq = raw['seq'] as number;
    const prevHash = raw['prevHash'] as string;
    const recordedAt = raw['recordedAt'] as string;
    if (this.hashes) {
      const bad = hashProblem(raw, text);
      if (bad !== null) return { line, budgetId, seq, reason: bad };
    }
    const slot = this.ids.get(budgetId);
    if (slot !== undefined && this.slots.linksAfter(slot, seq, prevHash, recordedAt)) {
      this.slots.set(slot, seq, prevHash, raw['hash'] as string, recordedAt, line);
      return null;
    }
    const end = chainEndOf(raw, line);
    const reason =
      slot === undefined
        ? startProblem(budgetId, end)
        : linkProblem(budgetId, this.slots.end(slot), this.slots.line(slot), end);
    if (reason !== null) return { line, budgetId, seq, reason };
    const at = slot ?? this.slots.allocate();
    if (slot === undefined) {
      this.ids.set(budgetId, at);
      this.slots.setFirstLine(at, line);
    }
    this.slots.set(at, seq, prevHash, end.hash, recordedAt, line);
    return null;
  }

  /** Budgets seen so far. */
  get size(): number {
    return this.ids.size;
  }

  /** The chain head of every budget seen so far (made on each call: call it at the end). */
  budgets(): ReadonlyMap<string, ChainHead> {
    const out = new Map<string, ChainHead>();
    for (const [id, slot] of this.ids) {
      const e = this.slots.end(slot);
      out.set(id, {
        seq: e.seq,
        hash: e.hash,
        recordedAt: e.recordedAt,
        line: e.line,
        firstLine: this.slots.firstLine(slot),
      });
    }
    return out;
  }
}

/** Collects the chain facts of one range, event by event in line order. */
export class RangeChainBuilder {
  // Per budget two slots: its first event in the range, then its last (updated in place).
  private readonly slots = new ChainEndSlots();
  private readonly ids = new Map<string, number>();
  private readonly breaks: ChainBreak[] = [];

  /** Adds an event (already checked on its own); returns the break it makes inside the range, if any. */
  add(budgetId: string, end: ChainEnd): ChainBreak | null {
    return this.addFields(budgetId, end.seq, end.prevHash, end.hash, end.recordedAt, end.line);
  }

  /** {@link RangeChainBuilder.add} with a decoded line's own fields (no object made for a line that links). */
  addLine(budgetId: string, raw: RawLine, line: number): ChainBreak | null {
    return this.addFields(
      budgetId,
      raw['seq'] as number,
      raw['prevHash'] as string,
      raw['hash'] as string,
      raw['recordedAt'] as string,
      line,
    );
  }

  private addFields(
    budgetId: string,
    seq: number,
    prevHash: string,
    hash: string,
    recordedAt: string,
    line: number,
  ): ChainBreak | null {
    const first = this.ids.get(budgetId);
    if (first === undefined) {
      const at = this.slots.allocate();
      this.slots.allocate();
      this.ids.set(budgetId, at);
      this.slots.set(at, seq, prevHash, hash, recordedAt, line);
      this.slots.set(at + 1, seq, prevHash, hash, recordedAt, line);
      return null;
    }
    const last = first + 1;
    if (this.slots.linksAfter(last, seq, prevHash, recordedAt)) {
      this.slots.set(last, seq, prevHash, hash, recordedAt, line);
      return null;
    }
    const prev = this.slots.end(last);
    const next: ChainEnd = { seq, prevHash, hash, recordedAt, line };
    const reason = linkProblem(budgetId, prev, prev.line, next);
    this.slots.set(last, seq, prevHash, hash, recordedAt, line);
    if (reason === null) return null;
    const b = { line, budgetId, seq, reason, prev, next };
    this.breaks.push(b);
    return b;
  }

  /** The chain facts so far (call it at the end: the builder must not be added to afterwards). */
  result(): RangeChain {
    return { ids: [...this.ids.keys()], ends: this.slots.data(), breaks: this.breaks };
  }
}

/** The JSON form of a range's chain facts (the same object: its typed arrays travel as they are). */
export function chainToJson(c: RangeChain): RangeChainJson {
  return c;
}

/** The array buffers of a range's chain facts, for a transfer list (they are left unusable in the sender). */
export function chainBuffers(c: RangeChain): ArrayBuffer[] {
  const e = c.ends;
  return [e.seqs, e.lines, e.firstLines, e.hashes, e.prevs, e.times].map((a) => a.buffer as ArrayBuffer);
}

/** Rebuilds a range's chain facts from {@link chainToJson}. */
export function chainFromJson(j: RangeChainJson): RangeChain {
  return { ids: j.ids, ends: j.ends, breaks: [...j.breaks] };
}

/** A break found when joining ranges: its range, line inside the range and line in the file. */
export interface JoinedBreak extends ChainBreak {
  /** Position of the range in the list given to {@link joinChains}. */
  readonly range: number;
  /** Line inside that range. */
  readonly rangeLine: number;
}

/** The joined chain of a whole file. */
export interface FileChain {
  /** Every break, in file order (by range, then line inside it), with file line numbers. */
  readonly breaks: JoinedBreak[];
  /** Each budget's last event (for the manifest check) and first line. */
  readonly heads: Map<string, { seq: number; hash: string; line: number; firstLine: number }>;
}

/**
 * Joins the chain facts of a file's ranges, given in file order with the number of lines before
 * each range: checks each budget's link across range boundaries and its start at `seq` 1.
 * Breaks are ordered by range first, so the first one is right even when a strict read stopped
 * a range early (its line count, and so the offsets after it, are then short).
 */
export function joinChains(ranges: ReadonlyArray<{ chain: RangeChain; lineOffset: number }>): FileChain {
  const breaks: JoinedBreak[] = [];
  // Each budget's last event so far (its line in the file) and first line: one slot per budget.
  const heads = new ChainEndSlots();
  const headOf = new Map<string, number>();
  for (const [range, { chain, lineOffset }] of ranges.entries()) {
    const at = (b: ChainBreak): JoinedBreak => ({
      line: b.line + lineOffset,
      budgetId: b.budgetId,
      seq: b.seq,
      // the reason again, naming the earlier event's line in the file, not in the range
      reason:
        b.prev === undefined || b.next === undefined
          ? b.reason
          : (linkProblem(b.budgetId, b.prev, b.prev.line + lineOffset, b.next) ?? b.reason),
      range,
      rangeLine: b.line,
    });
    for (const b of chain.breaks) breaks.push(at(b));
    const ends = new ChainEndSlots(chain.ends);
    for (let i = 0; i < chain.ids.length; i++) {
      const id = chain.ids[i] as string;
      const f = 2 * i;
      const h = headOf.get(id);
      const fits = h === undefined ? ends.startsChain(f) : heads.linksAfterSlot(h, ends, f);
      if (!fits) {
        const first = ends.end(f);
        const firstG = { ...first, line: first.line + lineOffset };
        const reason =
          h === undefined ? startProblem(id, firstG) : linkProblem(id, heads.end(h), heads.line(h), firstG);
        if (reason !== null) breaks.push(at({ line: first.line, budgetId: id, seq: first.seq, reason }));
      }
      let slot = h;
      if (slot === undefined) {
        slot = heads.allocate();
        headOf.set(id, slot);
        heads.setFirstLine(slot, ends.line(f) + lineOffset);
      }
      heads.copyFrom(slot, ends, f + 1, lineOffset);
    }
  }
  breaks.sort((a, b) => a.range - b.range || a.rangeLine - b.rangeLine);
  // Each budget's head as an object only when asked for (the manifest check): a fold needs none.
  let headsMap: Map<string, { seq: number; hash: string; line: number; firstLine: number }> | null = null;
  return {
    breaks,
    get heads() {
      if (headsMap === null) {
        headsMap = new Map();
        for (const [id, slot] of headOf) {
          const e = heads.end(slot);
          headsMap.set(id, { seq: e.seq, hash: e.hash, line: e.line, firstLine: heads.firstLine(slot) });
        }
      }
      return headsMap;
    },
  };
}
