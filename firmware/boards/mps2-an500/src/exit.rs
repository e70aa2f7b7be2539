//! How the QEMU twin ends: a semihosting exit status QEMU passes on as its own, and fault
//! handlers that end the run at once instead of hanging until the CI timeout.

use cortex_m_rt::{ExceptionFrame, exception};
use cortex_m_semihosting::debug::{self, EXIT_FAILURE, EXIT_SUCCESS};
use cortex_m_semihosting::hprintln;

/// How a run ended, and so QEMU's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// Every frame gave a readout: status 0.
    AllFramesRead,
    /// The model blob was refused (an `$EEERR` line says why): status 1.
    ModelRefused,
    /// At least one frame gave an `$EEERR` line, or fewer readouts than frames: status 1.
    FramesFailed,
}

/// Ends the emulation with the status of `end`.
pub fn exit(end: RunEnd) -> ! {
    let status = match end {
        RunEnd::AllFramesRead => EXIT_SUCCESS,
        RunEnd::ModelRefused | RunEnd::FramesFailed => EXIT_FAILURE,
    };
    debug::exit(status);
    halt()
}

/// A bus, memory-management or usage fault escalated to HardFault: report it and fail.
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    hprintln!(
        "hard fault at pc {:#010x}, lr {:#010x}",
        frame.pc(),
        frame.lr()
    );
    debug::exit(EXIT_FAILURE);
    halt()
}

/// An exception or interrupt without a handler: report it and fail.
#[exception]
unsafe fn DefaultHandler(irqn: i16) {
    hprintln!("unexpected exception {}", irqn);
    debug::exit(EXIT_FAILURE);
    halt()
}

/// Waits forever, where a debugger kept the emulation running after an exit request.
fn halt() -> ! {
    loop {
        cortex_m::asm::wfi();
    }
}
