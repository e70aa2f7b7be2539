//! The camera: the OV5640 module's 320x240 grey frames captured by the DCMI into one frame
//! buffer in AXI SRAM.

use core::fmt;
use core::pin::pin;
use core::task::Poll;

use cortex_m::peripheral::SCB;
use embassy_stm32::dcmi::{self, Dcmi, HSyncDataInvalidLevel, VSyncDataInvalidLevel};
use embassy_stm32::gpio::{Level, Output, Speed};
use embassy_stm32::i2c::{self, I2c};
use embassy_stm32::peripherals::{
    DCMI, DMA2_CH3, I2C4, PA4, PA6, PB7, PB8, PB9, PC6, PC7, PC9, PC11, PD3, PD12, PD13, PG10,
    PJ14,
};
use embassy_stm32::{Peri, bind_interrupts, dma};
use firmware::{FrameSource, RawFrame};
use shared::frame::PixelFormat;

use crate::cycle_clock::{CORE_CLOCK_HZ, CycleClock, delay_ms};
use crate::ov5640::{FRAME_HEIGHT, FRAME_WIDTH, Ov5640, SensorError};

/// Bytes of one grey frame.
pub const FRAME_BYTES: usize = FRAME_WIDTH * FRAME_HEIGHT;

/// 32-bit words of one frame: the DCMI's DMA moves words.
pub const FRAME_WORDS: usize = FRAME_BYTES / 4;

/// Longest wait for a frame, in milliseconds (the sensor streams at about 15 frames/s).
const CAPTURE_TIMEOUT_MS: u64 = 1000;

/// Milliseconds the sensor needs after leaving power down.
const POWER_UP_MS: u32 = 5;

bind_interrupts!(struct Irqs {
    DCMI => dcmi::InterruptHandler<DCMI>;
    DMA2_STREAM3 => dma::InterruptHandler<DMA2_CH3>;
});

/// The DCMI's eight data lines, D0 to D7, as the board wires them.
pub type DcmiDataPins = (
    Peri<'static, PC6>,
    Peri<'static, PC7>,
    Peri<'static, PG10>,
    Peri<'static, PC9>,
    Peri<'static, PC11>,
    Peri<'static, PD3>,
    Peri<'static, PB8>,
    Peri<'static, PB9>,
);

/// The camera connector of the STM32H747I-DISCO (board manual UM2411): the sensor's
/// power-down line, its I2C bus, and the DCMI's 8 data lines, syncs and pixel clock.
pub struct CameraWiring {
    /// PJ14: sensor power down, active high.
    pub power_down: Peri<'static, PJ14>,
    /// I2C4, shared with the touch panel and the audio codec.
    pub i2c: Peri<'static, I2C4>,
    /// PD12: I2C4 SCL.
    pub scl: Peri<'static, PD12>,
    /// PD13: I2C4 SDA.
    pub sda: Peri<'static, PD13>,
    /// The camera interface.
    pub dcmi: Peri<'static, DCMI>,
    /// The DMA stream that moves the DCMI's words.
    pub dma: Peri<'static, DMA2_CH3>,
    /// DCMI data lines D0 to D7: PC6, PC7, PG10, PC9, PC11, PD3, PB8, PB9.
    pub data: DcmiDataPins,
    /// PB7: DCMI VSYNC.
    pub vsync: Peri<'static, PB7>,
    /// PA4: DCMI HSYNC.
    pub hsync: Peri<'static, PA4>,
    /// PA6: DCMI pixel clock.
    pub pixel_clock: Peri<'static, PA6>,
}

/// One frame, aligned to the Cortex-M7's 32-byte cache lines so that invalidating it after
/// a capture touches no neighbouring data.
#[repr(C, align(32))]
pub struct FrameBuffer(pub [u32; FRAME_WORDS]);

/// Why a frame could not be captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureError {
    /// The DCMI reported an overrun or a synchronisation error.
    Dcmi(dcmi::Error),
    /// No frame arrived in [`CAPTURE_TIMEOUT_MS`].
    Timeout,
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Dcmi(dcmi::Error::Overrun) => write!(f, "camera DCMI overrun"),
            CaptureError::Dcmi(_) => write!(f, "camera DCMI synchronisation error"),
            CaptureError::Timeout => {
                write!(f, "no camera frame in {CAPTURE_TIMEOUT_MS} ms")
            }
        }
    }
}

/// The streaming sensor, the DCMI and its frame buffer; each capture waits for one whole
/// frame.
pub struct Ov5640Camera {
    dcmi: Dcmi<'static, DCMI>,
    frame: &'static mut FrameBuffer,
    scb: SCB,
    clock: CycleClock,
    _powered: Output<'static>,
}

impl Ov5640Camera {
    /// Powers the sensor up, sets it up to stream and starts the DCMI. `scb` maintains the
    /// data cache over `frame`; `clock` times captures out.
    pub fn start(
        wiring: CameraWiring,
        frame: &'static mut FrameBuffer,
        scb: SCB,
        clock: CycleClock,
    ) -> Result<Ov5640Camera, SensorError> {
        let powered = Output::new(wiring.power_down, Level::Low, Speed::Low);
        delay_ms(POWER_UP_MS);

        let i2c = I2c::new_blocking(wiring.i2c, wiring.scl, wiring.sda, i2c::Config::default());
        Ov5640::new(i2c).start_streaming(delay_ms)?;

        let (d0, d1, d2, d3, d4, d5, d6, d7) = wiring.data;
        let dcmi = Dcmi::new_8bit(
            wiring.dcmi,
            wiring.dma,
            Irqs,
            d0,
            d1,
            d2,
            d3,
            d4,
            d5,
            d6,
            d7,
            wiring.vsync,
            wiring.hsync,
            wiring.pixel_clock,
            dcmi_config(),
        );
        Ok(Ov5640Camera {
            dcmi,
            frame,
            scb,
            clock,
            _powered: powered,
        })
    }

    /// Captures one frame into the buffer, polling the DMA until it ends or times out.
    fn capture_frame(&mut self) -> Result<(), CaptureError> {
        let deadline = self.clock.cycles() + CAPTURE_TIMEOUT_MS * (CORE_CLOCK_HZ / 1000);
        let mut capture = pin!(self.dcmi.capture(&mut self.frame.0));

        loop {
            if let Poll::Ready(result) = embassy_futures::poll_once(capture.as_mut()) {
                return result.map_err(CaptureError::Dcmi);
            }
            if self.clock.cycles() > deadline {
                return Err(CaptureError::Timeout);
            }
        }
    }

    /// Drops the cached copy of the frame so the core reads what the DMA wrote.
    fn invalidate_cached_frame(&mut self) {
        // SAFETY: the buffer is 32-byte aligned and a whole number of cache lines
        // (FrameBuffer's alignment, FRAME_BYTES = 2400 lines), so the invalidation touches
        // no other data; only the DMA writes the buffer, so no dirty line is lost.
        unsafe { self.scb.invalidate_dcache_by_slice(&mut self.frame.0) }
    }
}

impl FrameSource for Ov5640Camera {
    type Error = CaptureError;

    fn capture(&mut self) -> Result<Option<RawFrame<'_>>, CaptureError> {
        let captured = self.capture_frame();
        self.invalidate_cached_frame();
        captured?;

        Ok(Some(RawFrame {
            format: PixelFormat::Grey8,
            width: FRAME_WIDTH,
            height: FRAME_HEIGHT,
            data: bytemuck::cast_slice(&self.frame.0),
        }))
    }
}

/// Sync levels of the sensor's DVP set-up: VSYNC and HSYNC high while no pixel is sent,
/// pixels sampled on the rising clock edge.
fn dcmi_config() -> dcmi::Config {
    let mut config = dcmi::Config::default();
    config.vsync_level = VSyncDataInvalidLevel::High;
    config.hsync_level = HSyncDataInvalidLevel::High;
    config.pixclk_polarity = dcmi::PixelClockPolarity::RisingEdge;
    config
}
