//! Time on the QEMU twin: SysTick ticks turned into executed instructions, and those into
//! the milliseconds a 480 MHz Cortex-M7 would take.
//!
//! QEMU runs this firmware with `-icount shift=0`: every executed instruction advances the
//! virtual clock by exactly 1 ns, and SysTick counts the virtual 25 MHz system clock of the
//! mps2-an500, so one tick is 40 instructions. The 24-bit counter wraps every 16.7 M ticks;
//! the SysTick exception counts the wraps.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::{SCB, SYST};
use cortex_m_rt::exception;

/// The mps2-an500 system clock that drives SysTick, in Hz.
pub const SYSTEM_CLOCK_HZ: u64 = 25_000_000;

/// Instructions per virtual second under `-icount shift=0` (one per nanosecond).
pub const INSTRUCTIONS_PER_VIRTUAL_SECOND: u64 = 1_000_000_000;

/// Core clock of the STM32H747's Cortex-M7, the board this twin stands for.
pub const BOARD_CORE_HZ: u64 = 480_000_000;

/// SysTick's largest reload value: the counter spans 2^24 ticks.
const RELOAD: u32 = 0x00FF_FFFF;

/// Ticks per full SysTick period.
const TICKS_PER_WRAP: u64 = RELOAD as u64 + 1;

/// SysTick periods completed since [`InstructionCounter::start`].
static WRAPS: AtomicU32 = AtomicU32::new(0);

/// Counts SysTick wraps.
#[exception]
fn SysTick() {
    WRAPS.fetch_add(1, Ordering::Relaxed);
}

/// A running SysTick, read as a 64-bit tick count.
#[derive(Debug, Clone, Copy)]
pub struct InstructionCounter {
    _running: (),
}

impl InstructionCounter {
    /// Starts SysTick on the core clock, counting wraps in its exception.
    pub fn start(mut systick: SYST) -> InstructionCounter {
        systick.set_clock_source(SystClkSource::Core);
        systick.set_reload(RELOAD);
        systick.clear_current();
        systick.enable_interrupt();
        systick.enable_counter();
        InstructionCounter { _running: () }
    }

    /// Ticks since [`InstructionCounter::start`].
    ///
    /// A wrap whose exception has not run yet (QEMU takes exceptions between translation
    /// blocks) is seen as a pending SysTick and counted, so the count never goes back.
    pub fn ticks(&self) -> u64 {
        loop {
            let wraps = WRAPS.load(Ordering::Relaxed);
            let pending = SCB::is_pendst_pending();
            let current = SYST::get_current();
            let pending_after = SCB::is_pendst_pending();
            if pending != pending_after || wraps != WRAPS.load(Ordering::Relaxed) {
                continue;
            }

            let periods = u64::from(wraps) + u64::from(pending);
            return periods * TICKS_PER_WRAP + ticks_into_period(current);
        }
    }

    /// Instructions executed since [`InstructionCounter::start`].
    pub fn instructions(&self) -> u64 {
        ticks_to_instructions(self.ticks())
    }
}

/// Ticks since the period's start when SysTick reads `current`.
///
/// The counter runs RELOAD, ..., 1, 0 and wraps (the exception fires) as it reaches 0, so 0
/// is the first tick of the next period; it is also the value right after start, before
/// any period.
fn ticks_into_period(current: u32) -> u64 {
    (u64::from(RELOAD - current.min(RELOAD)) + 1) % TICKS_PER_WRAP
}

/// Instructions executed in `ticks` SysTick ticks under `-icount shift=0`.
pub fn ticks_to_instructions(ticks: u64) -> u64 {
    ticks.saturating_mul(INSTRUCTIONS_PER_VIRTUAL_SECOND / SYSTEM_CLOCK_HZ)
}

/// Milliseconds the board would take for `instructions`, at one instruction per cycle.
pub fn board_milliseconds(instructions: u64) -> u64 {
    instructions / (BOARD_CORE_HZ / 1000)
}

/// The application's clock: milliseconds on the board for the instructions run so far, so
/// the readout's inference time is the estimated board latency.
#[derive(Debug, Clone, Copy)]
pub struct BoardTimeClock {
    counter: InstructionCounter,
}

impl BoardTimeClock {
    /// A clock over a running counter.
    pub fn new(counter: InstructionCounter) -> BoardTimeClock {
        BoardTimeClock { counter }
    }
}

impl firmware::Clock for BoardTimeClock {
    fn now_ms(&mut self) -> u64 {
        board_milliseconds(self.counter.instructions())
    }
}
