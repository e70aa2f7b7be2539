//! The heap: the engine's arena and the application's model input are its only users.

use core::sync::atomic::{AtomicBool, Ordering};

use embedded_alloc::LlffHeap;

/// Heap size: the 512 KiB of AXI SRAM the STM32H747 board gives its heap, so the twin
/// refuses any model the board could not hold.
pub const HEAP_BYTES: usize = 512 * 1024;

#[global_allocator]
static HEAP: LlffHeap = LlffHeap::empty();

/// Set by the first [`init`].
static INITIALISED: AtomicBool = AtomicBool::new(false);

/// Hands the heap's memory to the allocator, first thing in `main`; later calls do nothing.
pub fn init() {
    if INITIALISED.swap(true, Ordering::AcqRel) {
        return;
    }

    // SAFETY: runs once (the flag above), before any allocation; the macro gives the
    // allocator a static buffer of HEAP_BYTES that nothing else refers to.
    unsafe {
        embedded_alloc::init!(HEAP, HEAP_BYTES);
    }
}

/// Bytes not yet allocated.
pub fn free_bytes() -> usize {
    HEAP.free()
}
