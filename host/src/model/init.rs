//! Weight initialisation: Glorot-uniform weights and zero biases (the Keras defaults the
//! reference design used), drawn in a fixed order from a seeded generator.

use burn::module::{Module, ModuleVisitor, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Initializer, Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;

/// A convolution with Glorot-uniform weights and a zero bias.
pub fn glorot_conv(
    channels: [usize; 2],
    kernel: usize,
    stride: usize,
    padding: PaddingConfig2d,
    device: &Device,
) -> Conv2d {
    let mut conv = Conv2dConfig::new(channels, [kernel, kernel])
        .with_stride([stride, stride])
        .with_padding(padding)
        .with_initializer(Initializer::XavierUniform { gain: 1.0 })
        .init(device);
    conv.bias = Some(Initializer::Zeros.init([channels[1]], device));
    conv
}

/// A dense layer with Glorot-uniform weights and a zero bias.
pub fn glorot_linear(inputs: usize, outputs: usize, device: &Device) -> Linear {
    let mut linear = LinearConfig::new(inputs, outputs)
        .with_initializer(Initializer::XavierUniform { gain: 1.0 })
        .init(device);
    linear.bias = Some(Initializer::Zeros.init([outputs], device));
    linear
}

/// Seeds the device's generator and materialises every lazily initialised parameter of
/// `module` in traversal order, so that one seed always gives the same weights whatever else
/// the program drew before.
///
/// Limitation: the generator of the CPU backend is process-wide, so two models initialised
/// at the same time on different threads may interleave their draws; initialise one at a time.
pub fn initialise_parameters<M: Module>(module: M, device: &Device, seed: u64) -> M {
    device.seed(seed);
    module.visit(&mut Materialiser);
    module
}

/// Touches every float parameter, which draws its initial value if it has none yet.
struct Materialiser;

impl ModuleVisitor for Materialiser {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let _ = param.val();
    }
}
