//! The heap, in AXI SRAM: the engine's arena and the application's model input.

use core::sync::atomic::{AtomicBool, Ordering};

use embedded_alloc::LlffHeap;

/// Heap size: the 512 KiB AXI SRAM less the camera frame (75 KiB), `.data`, the other
/// `.bss` and a margin.
pub const HEAP_BYTES: usize = 416 * 1024;

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
