//! The heap: the engine's arena and the application's model input are its only users.

/// Heap size: the 512 KiB of AXI SRAM the STM32H747 board gives its heap, so the twin
/// refuses any model the board could not hold.
pub const HEAP_BYTES: usize = 512 * 1024;

board_boot::board_heap!(HEAP_BYTES);
