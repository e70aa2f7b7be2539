//! A millisecond clock for timing inference.

/// A monotonic millisecond counter (a SysTick counter on the device, `Instant` on the host).
pub trait Clock {
    /// Milliseconds since an arbitrary fixed start; never decreases.
    fn now_ms(&mut self) -> u64;
}

impl<F: FnMut() -> u64> Clock for F {
    fn now_ms(&mut self) -> u64 {
        self()
    }
}
