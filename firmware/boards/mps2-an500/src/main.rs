//! The emotion-edge firmware on QEMU's mps2-an500 (Cortex-M7), the CI twin of the
//! STM32H747I-DISCO board.
//!
//! The same application core and int8 engine as the board, with the bundled sample faces
//! compiled in as the camera, UART0 as the serial port and SysTick counting instructions.
//! The run ends through semihosting: status 0 when every frame gave a readout, 1 when the
//! model blob is refused (after an `$EEERR` line), a frame failed, or the core faulted or
//! panicked. Logs go to semihosting (QEMU's standard output), the readout to UART0.

#![no_std]
#![no_main]

mod exit;
mod frames;
mod heap;
mod instruction_clock;
mod metered_engine;
mod uart;

use board_boot::{ModelBlob, ModelRefusal};
use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use firmware::{Application, Engine};
use panic_semihosting as _;
use shared::protocol::ModelDigest;

use crate::exit::RunEnd;
use crate::frames::CompiledCamera;
use crate::instruction_clock::{BoardTimeClock, InstructionCounter};
use crate::metered_engine::MeteredEngine;
use crate::uart::Uart0;

/// The model blob: `models/emotion-edge.int8.eeb` or `EMOTION_EDGE_MODEL_BLOB` at build time.
static MODEL_BLOB: &ModelBlob<[u8]> =
    &ModelBlob(*include_bytes!(env!("EMOTION_EDGE_MODEL_BLOB_PATH")));

#[entry]
fn main() -> ! {
    heap::init();

    let Some(core) = cortex_m::Peripherals::take() else {
        hprintln!("core peripherals already taken");
        exit::exit(RunEnd::FramesFailed)
    };
    let counter = InstructionCounter::start(core.SYST);
    let Some(uart) = Uart0::take() else {
        hprintln!("UART0 already taken");
        exit::exit(RunEnd::FramesFailed)
    };

    exit::exit(run(uart, counter))
}

/// Loads the model, plays every compiled-in frame and says how the run ended.
fn run(uart: Uart0, counter: InstructionCounter) -> RunEnd {
    let camera = CompiledCamera::default();
    let frames = camera.frame_count();
    hprintln!(
        "emotion-edge {} on mps2-an500: {} frames, model blob {} bytes",
        firmware::FIRMWARE_VERSION,
        frames,
        MODEL_BLOB.bytes().len()
    );

    let free = heap::free_bytes();
    let loaded = board_boot::load_engine(MODEL_BLOB.bytes(), free)
        .and_then(|engine| Ok((engine, board_boot::app_config()?)));
    let (engine, config) = match loaded {
        Ok(loaded) => loaded,
        Err(refusal) => return refuse(uart, &refusal),
    };
    hprintln!(
        "model {}: heap {} bytes free before its arena, {} after",
        ModelDigest::from_sha256(engine.model_sha256()),
        free,
        heap::free_bytes()
    );

    let engine = MeteredEngine::new(engine, counter);
    let clock = BoardTimeClock::new(counter);
    let mut app = Application::new(camera, engine, uart, clock, config);
    let Ok(()) = app.boot();
    let Ok(summary) = app.run();

    hprintln!(
        "camera ended: {} readouts, {} faults of {} frames",
        summary.readouts,
        summary.faults,
        frames
    );
    let every_frame_read = usize::try_from(summary.readouts).is_ok_and(|read| read == frames);
    if summary.faults == 0 && every_frame_read {
        RunEnd::AllFramesRead
    } else {
        RunEnd::FramesFailed
    }
}

/// Logs the refusal and writes it as an `$EEERR` line.
fn refuse(uart: Uart0, refusal: &ModelRefusal) -> RunEnd {
    hprintln!("model refused: {}", refusal);
    let Ok(()) = board_boot::report_refusal(uart, refusal);
    RunEnd::ModelRefused
}
