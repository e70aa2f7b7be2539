//! The OV5640 sensor of the camera module (B-CAMS-OMV), set up over I2C (SCCB) to stream
//! 320x240 8-bit grey frames, the Y channel of its YUV pipeline, on the parallel (DVP) port.
//!
//! The sensor has its own 24 MHz oscillator on the module, so no clock comes from the MCU.
//! Registers have 16-bit addresses and 8-bit values.

use core::fmt;

use embassy_stm32::i2c::{self, I2c, Master};
use embassy_stm32::mode::Blocking;

/// The sensor's 7-bit I2C address.
pub const ADDRESS: u8 = 0x3C;

/// Width of the frames the sensor is set up for.
pub const FRAME_WIDTH: usize = 320;

/// Height of the frames the sensor is set up for.
pub const FRAME_HEIGHT: usize = 240;

/// What the chip-ID registers 0x300A, 0x300B read on an OV5640.
const CHIP_ID: u16 = 0x5640;

/// The chip-ID registers, high byte first.
const CHIP_ID_REGISTERS: [u16; 2] = [0x300A, 0x300B];

/// System control register: bit 7 software reset, bit 6 software power down.
const SYSTEM_CONTROL: u16 = 0x3008;

/// Milliseconds the sensor needs after a software reset.
pub const RESET_SETTLE_MS: u32 = 10;

/// Clock from the pad, then a software reset.
const RESET: [(u16, u8); 2] = [(0x3103, 0x11), (SYSTEM_CONTROL, 0x82)];

/// The set-up, written after [`RESET`] has settled.
///
/// Limitation: the exposure, white-balance and gamma tuning are the sensor's power-on
/// defaults (automatic exposure and gain stay on); the picture is usable for a grey face
/// crop but not tuned, and this table has not yet run on a sensor.
const SETUP: [(u16, u8); 62] = [
    // Power down while programming; clock from the PLL (power-on PLL settings).
    (SYSTEM_CONTROL, 0x42),
    (0x3103, 0x03),
    // DVP pads: VSYNC, HREF, PCLK and D[9:0] are outputs.
    (0x3017, 0xFF),
    (0x3018, 0xFF),
    // Analog and sensor-core settings the vendor requires for a stable image.
    (0x3630, 0x36),
    (0x3631, 0x0E),
    (0x3632, 0xE2),
    (0x3633, 0x12),
    (0x3621, 0xE0),
    (0x3704, 0xA0),
    (0x3703, 0x5A),
    (0x3715, 0x78),
    (0x3717, 0x01),
    (0x370B, 0x60),
    (0x3705, 0x1A),
    (0x3905, 0x02),
    (0x3906, 0x10),
    (0x3901, 0x0A),
    (0x3731, 0x12),
    (0x3600, 0x08),
    (0x3601, 0x33),
    (0x302D, 0x60),
    (0x3620, 0x52),
    (0x371B, 0x20),
    (0x471C, 0x50),
    (0x3635, 0x13),
    (0x3636, 0x03),
    (0x3634, 0x40),
    (0x3622, 0x01),
    (0x3618, 0x00),
    (0x3612, 0x29),
    (0x3708, 0x64),
    (0x3709, 0x52),
    (0x370C, 0x03),
    // Timing: the whole 2592x1944 array read with 2x subsampling in both directions ...
    (0x3814, 0x31),
    (0x3815, 0x31),
    (0x3800, 0x00),
    (0x3801, 0x00),
    (0x3802, 0x00),
    (0x3803, 0x04),
    (0x3804, 0x0A),
    (0x3805, 0x3F),
    (0x3806, 0x07),
    (0x3807, 0x9B),
    // ... and scaled to a 320x240 output (4:3 kept), with line and frame lengths of
    // 1896 and 984 clocks.
    (0x3808, 0x01),
    (0x3809, 0x40),
    (0x380A, 0x00),
    (0x380B, 0xF0),
    (0x380C, 0x07),
    (0x380D, 0x68),
    (0x380E, 0x03),
    (0x380F, 0xD8),
    (0x3810, 0x00),
    (0x3811, 0x10),
    (0x3812, 0x00),
    (0x3813, 0x06),
    // ISP on with the scaler; output format Y8 from the ISP's YUV.
    (0x5000, 0xA7),
    (0x5001, 0xA3),
    (0x4300, 0x10),
    (0x501F, 0x00),
    // DVP mode (MIPI off); HREF and VSYNC polarities that the DCMI set-up expects.
    (0x300E, 0x58),
    (0x4740, 0x22),
];

/// Out of software power down: streaming starts.
const STREAM_ON: (u16, u8) = (SYSTEM_CONTROL, 0x02);

/// Why the sensor could not be set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensorError {
    /// An I2C transfer to register `register` failed (no module, a loose cable).
    Bus {
        /// The register being read or written.
        register: u16,
        /// The bus error.
        error: i2c::Error,
    },
    /// The chip answered with another ID: not an OV5640.
    WrongChip {
        /// The ID read.
        id: u16,
    },
}

impl fmt::Display for SensorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SensorError::Bus { register, error } => {
                write!(
                    f,
                    "camera sensor I2C error at register {register:#06x}: {error:?}"
                )
            }
            SensorError::WrongChip { id } => {
                write!(
                    f,
                    "camera sensor ID {id:#06x} is not an OV5640 ({CHIP_ID:#06x})"
                )
            }
        }
    }
}

impl defmt::Format for SensorError {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            SensorError::Bus { register, error } => {
                defmt::write!(f, "I2C error {} at register {=u16:#x}", error, register)
            }
            SensorError::WrongChip { id } => defmt::write!(f, "wrong chip ID {=u16:#x}", id),
        }
    }
}

/// The sensor on its I2C bus.
pub struct Ov5640<'d> {
    i2c: I2c<'d, Blocking, Master>,
}

impl<'d> Ov5640<'d> {
    /// The sensor behind `i2c`; nothing is sent yet.
    pub fn new(i2c: I2c<'d, Blocking, Master>) -> Ov5640<'d> {
        Ov5640 { i2c }
    }

    /// Checks the chip ID, resets the sensor, writes the set-up and starts streaming.
    /// `delay_ms` waits the given milliseconds.
    pub fn start_streaming(&mut self, mut delay_ms: impl FnMut(u32)) -> Result<(), SensorError> {
        let id = self.chip_id()?;
        if id != CHIP_ID {
            return Err(SensorError::WrongChip { id });
        }

        self.write_all(&RESET)?;
        delay_ms(RESET_SETTLE_MS);

        self.write_all(&SETUP)?;
        let (register, value) = STREAM_ON;
        self.write(register, value)
    }

    /// The two chip-ID bytes, high first.
    fn chip_id(&mut self) -> Result<u16, SensorError> {
        let [high, low] = CHIP_ID_REGISTERS;
        Ok(u16::from_be_bytes([self.read(high)?, self.read(low)?]))
    }

    /// Writes every `(register, value)` pair in order.
    fn write_all(&mut self, table: &[(u16, u8)]) -> Result<(), SensorError> {
        table
            .iter()
            .try_for_each(|&(register, value)| self.write(register, value))
    }

    /// Writes one register.
    fn write(&mut self, register: u16, value: u8) -> Result<(), SensorError> {
        let [high, low] = register.to_be_bytes();
        self.i2c
            .blocking_write(ADDRESS, &[high, low, value])
            .map_err(|error| SensorError::Bus { register, error })
    }

    /// Reads one register.
    fn read(&mut self, register: u16) -> Result<u8, SensorError> {
        let mut value = [0];
        self.i2c
            .blocking_write_read(ADDRESS, &register.to_be_bytes(), &mut value)
            .map_err(|error| SensorError::Bus { register, error })?;
        Ok(value[0])
    }
}
