//! UART0 of the mps2-an500 (an ARM CMSDK APB UART at 0x4000_4000) as the serial port that
//! carries the readout.
//!
//! Transmit only: the firmware never reads the line. Writes block while the one-byte
//! transmit buffer is full, so no byte is ever dropped.

use core::convert::Infallible;
use core::sync::atomic::{AtomicBool, Ordering};

/// Offset of the data register: a write sends one byte.
const DATA: usize = 0x00;

/// Offset of the state register.
const STATE: usize = 0x04;

/// Offset of the control register.
const CTRL: usize = 0x08;

/// Offset of the baud-rate divider register.
const BAUD_DIVIDER: usize = 0x10;

/// STATE bit: the transmit buffer holds a byte not yet sent.
const STATE_TX_FULL: u32 = 1 << 0;

/// CTRL bit: the transmitter is on.
const CTRL_TX_ENABLE: u32 = 1 << 0;

/// The 25 MHz peripheral clock divided down to 115200 baud.
const DIVIDER_115200: u32 = 25_000_000 / 115_200;

/// Set once the port has been handed out, so two owners never interleave bytes.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// The UART0 transmitter, owned once.
#[derive(Debug)]
pub struct Uart0 {
    _owned: (),
}

impl Uart0 {
    /// Sets 115200 baud, turns the transmitter on and hands out the port; `None` if it was
    /// already taken.
    pub fn take() -> Option<Uart0> {
        if TAKEN.swap(true, Ordering::AcqRel) {
            return None;
        }

        registers::write(BAUD_DIVIDER, DIVIDER_115200);
        registers::write(CTRL, CTRL_TX_ENABLE);
        Some(Uart0 { _owned: () })
    }

    /// Sends one byte once the transmit buffer has room.
    fn send(&mut self, byte: u8) {
        self.wait_for_room();
        registers::write(DATA, u32::from(byte));
    }

    /// Spins until the transmit buffer is empty.
    fn wait_for_room(&self) {
        while registers::read(STATE) & STATE_TX_FULL != 0 {
            core::hint::spin_loop();
        }
    }
}

impl embedded_io::ErrorType for Uart0 {
    type Error = Infallible;
}

impl embedded_io::Write for Uart0 {
    fn write(&mut self, bytes: &[u8]) -> Result<usize, Infallible> {
        for &byte in bytes {
            self.send(byte);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        self.wait_for_room();
        Ok(())
    }
}

/// Volatile access to the UART0 registers: the only `unsafe` code of the port.
mod registers {
    /// Base address of UART0 in the mps2-an500 memory map.
    const UART0_BASE: usize = 0x4000_4000;

    /// Reads the 32-bit register at `offset`.
    pub fn read(offset: usize) -> u32 {
        // SAFETY: UART0_BASE + offset is one of the UART's word-aligned registers (the
        // offsets are the private constants of this file), always mapped on the mps2-an500;
        // a volatile read has no effect beyond the device's own.
        unsafe { core::ptr::read_volatile((UART0_BASE + offset) as *const u32) }
    }

    /// Writes the 32-bit register at `offset`.
    pub fn write(offset: usize, value: u32) {
        // SAFETY: as in `read`; the register belongs to the UART alone, which `Uart0::take`
        // hands out once, so no other code writes it concurrently.
        unsafe { core::ptr::write_volatile((UART0_BASE + offset) as *mut u32, value) }
    }
}
