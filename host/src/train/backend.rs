//! The device training runs on: the pure-Rust CPU backend by default, a GPU when the crate is
//! built with the `cuda` or `wgpu` feature. Nothing else in the program names a backend.

use burn::prelude::Device;

/// The device for tensors that need gradients.
pub fn training_device() -> Device {
    inference_device().autodiff()
}

/// The device for inference without gradients.
pub fn inference_device() -> Device {
    #[cfg(feature = "cuda")]
    let device = Device::cuda(0);
    #[cfg(all(feature = "wgpu", not(feature = "cuda")))]
    let device = Device::wgpu(Default::default());
    #[cfg(not(any(feature = "cuda", feature = "wgpu")))]
    let device = Device::flex();
    device
}

/// Sets the number of CPU threads the backend uses. Call once, before any tensor work; a
/// later call has no effect.
pub fn set_cpu_threads(threads: usize) {
    let built = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    if built.is_err() {
        tracing::warn!(
            threads,
            "CPU thread count already fixed; keeping the existing pool"
        );
    }
}
