//! The heap, in AXI SRAM: the engine's arena and the application's model input.

/// Heap size: the 512 KiB AXI SRAM less the camera frame (75 KiB), `.data`, the other
/// `.bss` and a margin.
pub const HEAP_BYTES: usize = 416 * 1024;

board_boot::board_heap!(HEAP_BYTES);
