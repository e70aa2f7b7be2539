//! The emotion-edge firmware on the STM32H747I-DISCO board (Cortex-M7 core at 400 MHz)
//! with the B-CAMS-OMV camera module (OV5640) on its camera connector.
//!
//! Captures 320x240 grey frames with the DCMI, runs the int8 engine on the model blob in
//! flash and writes the `$EE...` readout to USART1, the ST-LINK's virtual COM port
//! (115200 8N1). Logs go to defmt over RTT (`probe-rs run`). A camera that does not start
//! or a refused model blob writes one `$EEERR` line and stops; a fault on one frame writes
//! `$EEERR` and the loop goes on.

#![no_std]
#![no_main]

mod camera;
mod cycle_clock;
mod heap;
mod ov5640;

use core::fmt;
use core::mem::MaybeUninit;

use board_boot::ModelBlob;
use cortex_m_rt::entry;
use defmt_rtt as _;
use embassy_stm32::mode::Blocking;
use embassy_stm32::peripherals::{PA9, USART1};
use embassy_stm32::rcc::{self, Pll, PllDiv, PllMul, PllPreDiv, PllSource, Sysclk};
use embassy_stm32::usart::{self, UartTx};
use embassy_stm32::{Config, Peri, SharedData};
use firmware::readout::ReadoutPort;
use firmware::{Application, StepOutcome};
use panic_probe as _;
use shared::labels::EmotionLabelSet;
use shared::protocol::ErrorCode;

use crate::camera::{CameraWiring, FrameBuffer, Ov5640Camera};
use crate::cycle_clock::CycleClock;

/// The model blob: `models/emotion-edge.int8.eeb` or `EMOTION_EDGE_MODEL_BLOB` at build time.
static MODEL_BLOB: &ModelBlob<[u8]> =
    &ModelBlob(*include_bytes!(env!("EMOTION_EDGE_MODEL_BLOB_PATH")));

/// What the HAL shares with the Cortex-M4 core, which this firmware leaves unused.
static HAL_SHARED: MaybeUninit<SharedData> = MaybeUninit::uninit();

/// Baud rate of the readout on the virtual COM port.
const READOUT_BAUD: u32 = 115_200;

/// The readout's serial port.
type Readout = UartTx<'static, Blocking>;

#[entry]
fn main() -> ! {
    heap::init();
    let Some(mut core) = cortex_m::Peripherals::take() else {
        defmt::panic!("core peripherals already taken")
    };
    core.SCB.enable_icache();
    core.SCB.enable_dcache(&mut core.CPUID);
    let clock = CycleClock::start(&mut core.DCB, &mut core.DWT);

    let p = embassy_stm32::init_primary(clock_config(), &HAL_SHARED);
    let readout = match readout_port(p.USART1, p.PA9) {
        Ok(readout) => readout,
        Err(error) => defmt::panic!("USART1 set-up failed: {}", error),
    };
    defmt::info!(
        "emotion-edge {=str}: model blob {=usize} bytes",
        firmware::FIRMWARE_VERSION,
        MODEL_BLOB.bytes().len()
    );

    let wiring = CameraWiring {
        power_down: p.PJ14,
        i2c: p.I2C4,
        scl: p.PD12,
        sda: p.PD13,
        dcmi: p.DCMI,
        dma: p.DMA2_CH3,
        data: (p.PC6, p.PC7, p.PG10, p.PC9, p.PC11, p.PD3, p.PB8, p.PB9),
        vsync: p.PB7,
        hsync: p.PA4,
        pixel_clock: p.PA6,
    };
    let frame = cortex_m::singleton!(: FrameBuffer = FrameBuffer([0; camera::FRAME_WORDS]));
    let Some(frame) = frame else {
        defmt::panic!("frame buffer already taken")
    };
    let camera = match Ov5640Camera::start(wiring, frame, core.SCB, clock.clone()) {
        Ok(camera) => camera,
        Err(error) => stop(readout, ErrorCode::Camera, &error),
    };

    run(camera, readout, clock)
}

/// Loads the model and reads frames for ever.
fn run(camera: Ov5640Camera, readout: Readout, clock: CycleClock) -> ! {
    let engine = match board_boot::load_engine(MODEL_BLOB.bytes(), heap::free_bytes()) {
        Ok(engine) => engine,
        Err(refusal) => stop(readout, ErrorCode::Model, &refusal),
    };
    let config = match board_boot::app_config() {
        Ok(config) => config,
        Err(refusal) => stop(readout, ErrorCode::Model, &refusal),
    };
    defmt::info!("model loaded; heap {=usize} bytes free", heap::free_bytes());

    let mut app = Application::new(camera, engine, readout, clock, config);
    if let Err(error) = app.boot() {
        defmt::warn!("readout port: {}", error);
    }
    loop {
        match app.step() {
            Ok(StepOutcome::Readout { seq, infer_ms, .. }) => {
                defmt::info!("frame {=u32}: inference {=u32} ms", seq, infer_ms)
            }
            Ok(StepOutcome::Fault { .. } | StepOutcome::SourceEnded) => {}
            Err(error) => defmt::warn!("readout port: {}", error),
        }
    }
}

/// Writes `fault` as one `$EEERR` line and halts: the device cannot run without it.
fn stop(readout: Readout, code: ErrorCode, fault: &dyn fmt::Display) -> ! {
    defmt::error!("stopped: {} fault", code);
    let mut port = ReadoutPort::new(readout, EmotionLabelSet::DEFAULT);
    if port
        .send_error(0, code, fault)
        .and_then(|()| port.flush())
        .is_err()
    {
        defmt::error!("readout port failed too");
    }
    loop {
        cortex_m::asm::wfi();
    }
}

/// USART1 on PA9, transmit only: the ST-LINK's virtual COM port.
fn readout_port(
    usart: Peri<'static, USART1>,
    tx: Peri<'static, PA9>,
) -> Result<Readout, usart::ConfigError> {
    let mut config = usart::Config::default();
    config.baudrate = READOUT_BAUD;
    UartTx::new_blocking(usart, tx, config)
}

/// 400 MHz from the internal 64 MHz oscillator: PLL1 = 64 / 4 * 50 / 2. The board powers
/// the core from the SMPS directly, which allows voltage scale 1 and so 400 MHz at most
/// (480 MHz needs scale 0, only reachable through the LDO).
fn clock_config() -> Config {
    let mut config = Config::default();
    config.rcc.hsi = Some(rcc::HSIPrescaler::DIV1);
    config.rcc.pll1 = Some(Pll {
        source: PllSource::HSI,
        prediv: PllPreDiv::DIV4,
        mul: PllMul::MUL50,
        divp: Some(PllDiv::DIV2),
        divq: Some(PllDiv::DIV8),
        divr: None,
    });
    config.rcc.sys = Sysclk::PLL1_P;
    config.rcc.ahb_pre = rcc::AHBPrescaler::DIV2;
    config.rcc.apb1_pre = rcc::APBPrescaler::DIV2;
    config.rcc.apb2_pre = rcc::APBPrescaler::DIV2;
    config.rcc.apb3_pre = rcc::APBPrescaler::DIV2;
    config.rcc.apb4_pre = rcc::APBPrescaler::DIV2;
    config.rcc.voltage_scale = rcc::VoltageScale::Scale1;
    config.rcc.supply_config = rcc::SupplyConfig::DirectSMPS;
    config
}
