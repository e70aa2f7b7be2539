//! Time on the board: the Cortex-M7's DWT cycle counter, widened to 64 bits.

use cortex_m::peripheral::{DCB, DWT};

/// The core clock set up in `main`, in Hz.
pub const CORE_CLOCK_HZ: u64 = 400_000_000;

/// Core cycles per millisecond.
const CYCLES_PER_MS: u64 = CORE_CLOCK_HZ / 1000;

/// The running cycle counter. It wraps every 2^32 cycles (10.7 s at 400 MHz); reading it
/// at least that often (every frame does) keeps the widened count exact.
#[derive(Debug, Clone)]
pub struct CycleClock {
    last: u32,
    wraps: u64,
}

impl CycleClock {
    /// Unlocks the DWT (the M7 locks it after reset) and starts its cycle counter.
    pub fn start(dcb: &mut DCB, dwt: &mut DWT) -> CycleClock {
        dcb.enable_trace();
        DWT::unlock();
        dwt.set_cycle_count(0);
        dwt.enable_cycle_counter();
        CycleClock { last: 0, wraps: 0 }
    }

    /// Cycles since [`CycleClock::start`].
    pub fn cycles(&mut self) -> u64 {
        let now = DWT::cycle_count();
        if now < self.last {
            self.wraps += 1;
        }
        self.last = now;
        (self.wraps << 32) | u64::from(now)
    }
}

impl firmware::Clock for CycleClock {
    fn now_ms(&mut self) -> u64 {
        self.cycles() / CYCLES_PER_MS
    }
}

/// Busy-waits `ms` milliseconds (start-up only: sensor reset).
pub fn delay_ms(ms: u32) {
    let cycles = u64::from(ms) * CYCLES_PER_MS;
    cortex_m::asm::delay(u32::try_from(cycles).unwrap_or(u32::MAX));
}
