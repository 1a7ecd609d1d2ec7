//! A small coverage-less mutation fuzzer for `tests/tests/fuzz.rs`, on
//! stable Rust and without dependencies: a seeded PRNG, CBOR-aware
//! mutations of a corpus of valid encodings, random values of the fixture's
//! types, a reader that delivers bytes in random chunks, and an allocator
//! that records the largest allocation made while it is watching.
//!
//! Everything is deterministic for a given seed (`RSFFI_FUZZ_SEED`), so a
//! failure reported with its seed and input reproduces.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{self, Read};
use std::time::{Duration, Instant};

/// SplitMix64: tiny, fast, and good enough to drive mutations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `1 / n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn bool(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An integer biased towards the edges of its range.
    pub fn edgy_u64(&mut self) -> u64 {
        const EDGES: [u64; 14] = [
            0,
            1,
            23,
            24,
            255,
            256,
            65_535,
            65_536,
            u32::MAX as u64,
            1 << 32,
            i64::MAX as u64,
            1 << 63,
            u64::MAX - 1,
            u64::MAX,
        ];
        match self.below(4) {
            0 => *self.pick(&EDGES),
            1 => self.next_u64() % 100,
            2 => self.next_u64() >> self.below(64),
            _ => self.next_u64(),
        }
    }

    pub fn edgy_i64(&mut self) -> i64 {
        let v = self.edgy_u64() as i64;
        if self.bool() { v } else { v.wrapping_neg() }
    }

    /// A finite float (NaN is left out so values compare equal).
    pub fn float(&mut self) -> f64 {
        const EDGES: [f64; 8] = [
            0.0,
            -0.0,
            1.5,
            -0.1,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        if self.bool() {
            return *self.pick(&EDGES);
        }
        let v = f64::from_bits(self.next_u64());
        if v.is_nan() { 0.5 } else { v }
    }

    pub fn float32(&mut self) -> f32 {
        let v = f32::from_bits(self.next_u64() as u32);
        if v.is_nan() { 2.5 } else { v }
    }

    /// Text: ASCII, non-ASCII, embedded NUL, sometimes long.
    pub fn text(&mut self) -> String {
        const PIECES: [&str; 8] = ["", "a", "hé", "日本", "\0", "x y", "🦀", "\u{7f}"];
        let n = if self.one_in(20) {
            self.below(300)
        } else {
            self.below(4)
        };
        (0..n).map(|_| *self.pick(&PIECES)).collect()
    }

    pub fn bytes(&mut self) -> Vec<u8> {
        let n = if self.one_in(20) {
            self.below(600)
        } else {
            self.below(6)
        };
        (0..n).map(|_| self.next_u64() as u8).collect()
    }

    /// `0..max` items, usually few.
    pub fn count(&mut self, max: usize) -> usize {
        if self.one_in(8) {
            self.below(max + 1)
        } else {
            self.below(3)
        }
    }

    pub fn vec<T>(&mut self, max: usize, mut item: impl FnMut(&mut Rng) -> T) -> Vec<T> {
        let n = self.count(max);
        (0..n).map(|_| item(self)).collect()
    }

    pub fn option<T>(&mut self, item: impl FnOnce(&mut Rng) -> T) -> Option<T> {
        if self.bool() { Some(item(self)) } else { None }
    }
}

/// The seed of a run: `RSFFI_FUZZ_SEED`, or one derived from the clock
/// (printed, so a failure can be replayed).
pub fn seed() -> u64 {
    std::env::var("RSFFI_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}

/// Inputs per target: `RSFFI_FUZZ_INPUTS`, or `default`.
pub fn inputs(default: u64) -> u64 {
    std::env::var("RSFFI_FUZZ_INPUTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// One target's figures, printed at the end of its run.
pub struct Stats {
    pub target: &'static str,
    pub inputs: u64,
    pub crashes: u64,
    pub start: Instant,
}

impl Stats {
    pub fn new(target: &'static str) -> Stats {
        Stats {
            target,
            inputs: 0,
            crashes: 0,
            start: Instant::now(),
        }
    }

    pub fn report(&self, seed: u64, extra: &str) -> Duration {
        let took = self.start.elapsed();
        println!(
            "fuzz {}: {} inputs in {:.2} s ({:.0} inputs/s), {} crashes, seed {seed}{extra}",
            self.target,
            self.inputs,
            took.as_secs_f64(),
            self.inputs as f64 / took.as_secs_f64().max(1e-9),
            self.crashes
        );
        took
    }
}

// ---------------------------------------------------------------------
// Random values of the fixture's types.

pub fn color(r: &mut Rng) -> fixture::Color {
    *r.pick(&[
        fixture::Color::Red,
        fixture::Color::Green,
        fixture::Color::Blue,
    ])
}

pub fn scalars(r: &mut Rng) -> fixture::Scalars {
    fixture::Scalars {
        flag: r.bool(),
        i8_v: r.edgy_i64() as i8,
        i16_v: r.edgy_i64() as i16,
        i32_v: r.edgy_i64() as i32,
        i64_v: r.edgy_i64(),
        u8_v: r.edgy_u64() as u8,
        u16_v: r.edgy_u64() as u16,
        u32_v: r.edgy_u64() as u32,
        u64_v: r.edgy_u64(),
        f32_v: r.float32(),
        f64_v: r.float(),
        text: r.text(),
        data: r.bytes(),
        color: color(r),
    }
}

pub fn containers(r: &mut Rng) -> fixture::Containers {
    fixture::Containers {
        strings: r.vec(8, Rng::text),
        nested: r.vec(4, |r| r.vec(4, Rng::text)),
        maybe_list: r.option(|r| r.vec(8, Rng::edgy_i64)),
        list_of_maybe: r.vec(8, |r| r.option(|r| r.edgy_i64() as i32)),
        maybe_text: r.option(Rng::text),
        maybe_bytes: r.option(Rng::bytes),
        byte_lists: r.vec(4, Rng::bytes),
        colors: r.vec(6, color),
        maybe_color: r.option(color),
        flags: r.vec(6, Rng::bool),
        floats: r.vec(6, Rng::float),
        big: r.vec(6, Rng::edgy_u64),
    }
}

pub fn leaf(r: &mut Rng) -> fixture::Leaf {
    fixture::Leaf {
        label: r.text(),
        data: r.bytes(),
        color: color(r),
    }
}

pub fn middle(r: &mut Rng) -> fixture::Middle {
    fixture::Middle {
        name: r.text(),
        leaves: r.vec(4, leaf),
        best: r.option(leaf),
    }
}

pub fn top(r: &mut Rng) -> fixture::Top {
    fixture::Top {
        middle: middle(r),
        middles: r.vec(3, middle),
        note: r.option(Rng::text),
        user_id: r.edgy_u64(),
        http_url: r.text(),
    }
}

pub fn collide(r: &mut Rng) -> fixture::Collide {
    fixture::Collide {
        key: r.edgy_u64() as u8,
        d: r.edgy_u64() as u8,
        e: r.edgy_u64() as u8,
        len: r.edgy_u64() as u8,
        text: r.text(),
        arena: r.edgy_u64() as u8,
        c: r.edgy_u64() as u8,
    }
}

// ---------------------------------------------------------------------
// CBOR-aware mutations.

/// An item head found in an encoding: where it starts, its major type
/// (0..=7), and how many bytes the head takes.
#[derive(Debug, Clone, Copy)]
pub struct HeadAt {
    pub at: usize,
    pub major: u8,
    pub len: usize,
}

/// Item boundaries of (the well-formed prefix of) a CBOR encoding: the
/// start of every item, with the end of each (`items`), and every head.
#[derive(Debug, Default)]
pub struct Shape {
    pub heads: Vec<HeadAt>,
    pub items: Vec<(usize, usize)>,
}

/// Walks `b` as CBOR as far as it is well formed.
pub fn shape(b: &[u8]) -> Shape {
    fn head(b: &[u8], at: usize) -> Option<(u8, u8, u64, usize)> {
        let first = *b.get(at)?;
        let (major, info) = (first >> 5, first & 0x1f);
        let (arg, n) = match info {
            0..=23 => (u64::from(info), 1),
            24..=27 => {
                let k = 1usize << (info - 24);
                let bytes = b.get(at + 1..at + 1 + k)?;
                (
                    bytes.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x)),
                    1 + k,
                )
            }
            31 => (u64::MAX, 1),
            _ => return None,
        };
        Some((major, info, arg, n))
    }
    fn item(b: &[u8], at: usize, depth: u32, s: &mut Shape) -> Option<usize> {
        if depth > 300 {
            return None;
        }
        let (major, info, arg, n) = head(b, at)?;
        s.heads.push(HeadAt { at, major, len: n });
        let mut pos = at + n;
        match major {
            2 | 3 if info == 31 => {
                while *b.get(pos)? != 0xff {
                    pos = item(b, pos, depth + 1, s)?;
                }
                pos += 1;
            }
            2 | 3 => {
                pos = pos.checked_add(usize::try_from(arg).ok()?)?;
                if pos > b.len() {
                    return None;
                }
            }
            4 | 5 => {
                let per = if major == 5 { 2 } else { 1 };
                if info == 31 {
                    while *b.get(pos)? != 0xff {
                        pos = item(b, pos, depth + 1, s)?;
                    }
                    pos += 1;
                } else {
                    let count = arg.checked_mul(per)?;
                    if count > (b.len() - pos) as u64 {
                        return None;
                    }
                    for _ in 0..count {
                        pos = item(b, pos, depth + 1, s)?;
                    }
                }
            }
            6 => pos = item(b, pos, depth + 1, s)?,
            7 if info == 31 => return None,
            _ => {}
        }
        s.items.push((at, pos));
        Some(pos)
    }
    let mut s = Shape::default();
    let mut pos = 0;
    while pos < b.len() {
        match item(b, pos, 0, &mut s) {
            Some(end) => pos = end,
            None => break,
        }
    }
    s
}

/// A head of major type `major` with argument `arg` in its shortest
/// form, or with `width` argument bytes (0, 1, 2, 4, 8) when given.
pub fn head_bytes(major: u8, arg: u64, width: Option<usize>) -> Vec<u8> {
    let m = major << 5;
    let width = width.unwrap_or(match arg {
        0..=23 => 0,
        24..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xffff_ffff => 4,
        _ => 8,
    });
    let mut out = match width {
        0 => return vec![m | (arg.min(23) as u8)],
        1 => vec![m | 24],
        2 => vec![m | 25],
        4 => vec![m | 26],
        _ => vec![m | 27],
    };
    let all = arg.to_be_bytes();
    out.extend_from_slice(&all[8 - width.min(8)..]);
    out
}

/// Interesting single bytes: breaks, reserved and indefinite initial
/// bytes, 8-byte-argument heads.
const MAGIC: [u8; 12] = [
    0x00, 0xff, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x9f, 0xbf, 0x5f, 0x7f, 0xf7,
];

/// Lengths a lying header declares.
const HUGE: [u64; 8] = [
    0xffff_ffff,
    0xffff_ffff_ffff_ffff,
    0x7fff_ffff_ffff_ffff,
    1 << 32,
    1 << 31,
    0x1_0000,
    1000,
    24,
];

/// Applies one random mutation to `b`; `other` is another corpus input
/// for splicing.
pub fn mutate_once(r: &mut Rng, b: &mut Vec<u8>, other: &[u8]) {
    let len = b.len();
    match r.below(14) {
        // Bit flip.
        0 if len > 0 => {
            let i = r.below(len);
            b[i] ^= 1 << r.below(8);
        }
        // A byte set to something interesting or random.
        1 if len > 0 => {
            let i = r.below(len);
            b[i] = if r.bool() {
                *r.pick(&MAGIC)
            } else {
                r.next_u64() as u8
            };
        }
        // Insert bytes.
        2 => {
            let i = r.below(len + 1);
            let n = 1 + r.below(8);
            let fill: Vec<u8> = (0..n)
                .map(|_| {
                    if r.bool() {
                        *r.pick(&MAGIC)
                    } else {
                        r.next_u64() as u8
                    }
                })
                .collect();
            b.splice(i..i, fill);
        }
        // Delete a range.
        3 if len > 0 => {
            let i = r.below(len);
            let n = 1 + r.below((len - i).min(16));
            b.drain(i..i + n);
        }
        // Duplicate a range.
        4 if len > 0 => {
            let i = r.below(len);
            let n = 1 + r.below((len - i).min(32));
            let copy = b[i..i + n].to_vec();
            let at = r.below(len + 1);
            b.splice(at..at, copy);
        }
        // Truncate.
        5 if len > 0 => b.truncate(r.below(len)),
        // Splice: a prefix of this one, a suffix of the other.
        6 => {
            let cut = r.below(len + 1);
            let from = r.below(other.len() + 1);
            b.truncate(cut);
            b.extend_from_slice(&other[from..]);
        }
        // Rewrite a head's argument: huge, off by one, or a wider form.
        7 | 8 => {
            let s = shape(b);
            if s.heads.is_empty() {
                return;
            }
            let h = *r.pick(&s.heads);
            let major = if r.one_in(6) {
                r.below(8) as u8
            } else {
                h.major
            };
            let arg = match r.below(3) {
                0 => *r.pick(&HUGE),
                1 => r.edgy_u64(),
                _ => (b.len() - h.at) as u64 + r.below(3) as u64,
            };
            let width = if r.bool() {
                Some(*r.pick(&[1usize, 2, 4, 8]))
            } else {
                None
            };
            let new = if r.one_in(8) {
                vec![(major << 5) | 31]
            } else {
                head_bytes(major, arg, width)
            };
            b.splice(h.at..h.at + h.len, new);
        }
        // Replace an item by an item of the other input (or of this one).
        9 => {
            let mine = shape(b);
            if mine.items.is_empty() {
                return;
            }
            let (s, e) = *r.pick(&mine.items);
            let theirs = shape(other);
            let item = if theirs.items.is_empty() || r.one_in(3) {
                b[s..e].to_vec()
            } else {
                let (os, oe) = *r.pick(&theirs.items);
                other[os..oe].to_vec()
            };
            let (ds, de) = *r.pick(&mine.items);
            if r.bool() {
                b.splice(ds..de, item);
            } else {
                b.splice(ds..ds, item);
            }
        }
        // Delete an item.
        10 => {
            let s = shape(b);
            if !s.items.is_empty() {
                let (s, e) = *r.pick(&s.items);
                b.drain(s..e);
            }
        }
        // Nest deeply: wrap an item (or all) in arrays, maps or tags.
        11 => {
            let s = shape(b);
            let (st, en) = if s.items.is_empty() || r.one_in(4) {
                (0, len)
            } else {
                *r.pick(&s.items)
            };
            let depth = if r.one_in(4) {
                200 + r.below(400)
            } else {
                1 + r.below(20)
            };
            let (open, close): (&[u8], &[u8]) = match r.below(4) {
                0 => (&[0x81], &[]),
                1 => (&[0x9f], &[0xff]),
                2 => (&[0xa1, 0x61, b'k'], &[]),
                _ => (&[0xc6], &[]),
            };
            let inner = b[st..en].to_vec();
            let mut out = Vec::with_capacity(inner.len() + depth * 4);
            (0..depth).for_each(|_| out.extend_from_slice(open));
            out.extend_from_slice(&inner);
            (0..depth).for_each(|_| out.extend_from_slice(close));
            b.splice(st..en, out);
        }
        // Indefinite-length conversion: an array/map head becomes 0x9f/0xbf
        // with a break after the item (or misplaced).
        12 => {
            let s = shape(b);
            if s.items.is_empty() {
                return;
            }
            let (st, en) = *r.pick(&s.items);
            let first = b[st];
            if matches!(first >> 5, 2..=5) && first & 0x1f < 24 {
                b[st] = (first & 0xe0) | 31;
                let at = if r.one_in(4) {
                    r.below(b.len() + 1)
                } else {
                    en
                };
                b.insert(at.max(st + 1), 0xff);
            }
        }
        // Append garbage or a second item.
        _ => {
            if r.bool() {
                b.extend_from_slice(other);
            } else {
                b.push(*r.pick(&MAGIC));
            }
        }
    }
}

/// `base` after 1 to 4 random mutations (sometimes many more).
pub fn mutate(r: &mut Rng, base: &[u8], other: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    let rounds = if r.one_in(16) {
        5 + r.below(20)
    } else {
        1 + r.below(4)
    };
    for _ in 0..rounds {
        mutate_once(r, &mut b, other);
        if b.len() > 1 << 20 {
            b.truncate(1 << 20);
        }
    }
    b
}

// ---------------------------------------------------------------------
// A reader that delivers bytes in random chunks.

/// Serves `data` in chunks of random size (often a single byte), with
/// occasional `Interrupted` errors, the way a socket may.
pub struct ChunkedReader<'a> {
    data: &'a [u8],
    pos: usize,
    rng: Rng,
    /// The largest chunk it may return.
    pub max_chunk: usize,
}

impl<'a> ChunkedReader<'a> {
    pub fn new(data: &'a [u8], seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let max_chunk = *rng.pick(&[1, 2, 3, 7, 64, 4096, usize::MAX]);
        ChunkedReader {
            data,
            pos: 0,
            rng,
            max_chunk,
        }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl Read for ChunkedReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.rng.one_in(50) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let left = self.data.len() - self.pos;
        let n = buf
            .len()
            .min(left)
            .min(1 + self.rng.below(self.max_chunk.min(1 << 20)));
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

// ---------------------------------------------------------------------
// An allocator that watches one thread at a time.

thread_local! {
    static WATCHING: Cell<bool> = const { Cell::new(false) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// A wrapper over [`System`] that, on threads inside [`watch`], records
/// the largest single allocation and the peak of bytes live. Install it
/// in a test binary with
/// `#[global_allocator] static A: e2e::fuzz::CountingAlloc = e2e::fuzz::CountingAlloc;`.
pub struct CountingAlloc;

fn note_alloc(size: usize) {
    let _ = WATCHING.try_with(|w| {
        if w.get() {
            LARGEST.set(LARGEST.get().max(size));
            let live = LIVE.get() + size as isize;
            LIVE.set(live);
            PEAK.set(PEAK.get().max(live));
        }
    });
}

fn note_free(size: usize) {
    let _ = WATCHING.try_with(|w| {
        if w.get() {
            LIVE.set(LIVE.get() - size as isize);
        }
    });
}

// SAFETY: every call is forwarded to `System` unchanged; the bookkeeping
// only touches const-initialised thread-locals (no allocation).
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        // SAFETY: forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_free(layout.size());
        // SAFETY: forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_free(layout.size());
        note_alloc(new_size);
        // SAFETY: forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// What [`watch`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocations {
    /// The largest single allocation (or reallocation), in bytes.
    pub largest: usize,
    /// The most bytes live at once, counted from the start of the watch.
    pub peak: usize,
}

/// Runs `f` with this thread's allocations recorded (meaningful only when
/// [`CountingAlloc`] is the global allocator).
pub fn watch<T>(f: impl FnOnce() -> T) -> (T, Allocations) {
    LARGEST.set(0);
    LIVE.set(0);
    PEAK.set(0);
    WATCHING.set(true);
    let out = f();
    WATCHING.set(false);
    let seen = Allocations {
        largest: LARGEST.get(),
        peak: PEAK.get().max(0) as usize,
    };
    (out, seen)
}
