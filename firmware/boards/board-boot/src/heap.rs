//! The heap both binaries allocate from, generated into a binary by [`board_heap!`].

/// Generates a binary's heap at the place of invocation: a `#[global_allocator]` linked-list
/// heap over a static buffer of `$bytes` bytes, and two functions over it.
///
/// - `pub fn init()` hands the buffer to the allocator; call it first thing in `main`,
///   before any allocation. Later calls do nothing.
/// - `pub fn free_bytes() -> usize` gives the bytes not yet allocated.
///
/// Invoke it once per binary, in the module that documents the heap's size:
///
/// ```ignore
/// /// Heap size: what the board's RAM leaves for it.
/// pub const HEAP_BYTES: usize = 416 * 1024;
///
/// board_boot::board_heap!(HEAP_BYTES);
/// ```
#[macro_export]
macro_rules! board_heap {
    ($bytes:expr) => {
        #[global_allocator]
        static HEAP: $crate::__private::embedded_alloc::LlffHeap =
            $crate::__private::embedded_alloc::LlffHeap::empty();

        /// Set by the first [`init`].
        static INITIALISED: ::core::sync::atomic::AtomicBool =
            ::core::sync::atomic::AtomicBool::new(false);

        /// Hands the heap's memory to the allocator, first thing in `main`; later calls do
        /// nothing.
        pub fn init() {
            if INITIALISED.swap(true, ::core::sync::atomic::Ordering::AcqRel) {
                return;
            }

            // SAFETY: runs once (the flag above), before any allocation; the macro gives the
            // allocator a static buffer of the heap's size that nothing else refers to.
            unsafe {
                $crate::__private::embedded_alloc::init!(HEAP, $bytes);
            }
        }

        /// Bytes not yet allocated.
        pub fn free_bytes() -> usize {
            HEAP.free()
        }
    };
}
