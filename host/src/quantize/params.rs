//! Quantisation parameters: asymmetric per-tensor int8 activations, symmetric per-channel
//! int8 weights and int32 biases.

use super::calibrate::ValueRange;

/// Scale and zero point of an int8 activation: `real = scale * (q - zero_point)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActivationQuant {
    /// Real value of one step.
    pub scale: f32,
    /// The int8 code of real zero.
    pub zero_point: i8,
}

impl ActivationQuant {
    /// Spreads the 256 int8 codes over `range`, widened to include zero so that zero (ReLU
    /// floors, padding) is exact. A range that starts at zero gets zero point -128, so
    /// saturation at -128 is a ReLU.
    pub fn from_range(range: ValueRange) -> ActivationQuant {
        let low = range.low.min(0.0);
        let high = range.high.max(0.0);
        let span = high - low;
        if !span.is_finite() || span <= f32::EPSILON {
            return ActivationQuant {
                scale: 1.0,
                zero_point: 0,
            };
        }

        let scale = span / 255.0;
        let zero_point = (-128.0 - low / scale).round().clamp(-128.0, 127.0) as i8;
        ActivationQuant { scale, zero_point }
    }
}

/// Symmetric per-output-channel int8 weights (zero points all 0, codes in [-127, 127]).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelWeights {
    /// The codes, in the layout of the float weights.
    pub codes: Vec<i8>,
    /// One scale per output channel.
    pub scales: Vec<f32>,
}

/// Quantises weights whose output channel `c` is found by `channel_of(flat_index)`.
pub fn quantize_weights(
    weights: &[f32],
    channels: usize,
    channel_of: impl Fn(usize) -> usize,
) -> ChannelWeights {
    let mut largest = vec![0.0f32; channels];
    for (index, weight) in weights.iter().enumerate() {
        let channel = channel_of(index);
        largest[channel] = largest[channel].max(weight.abs());
    }
    let scales: Vec<f32> = largest
        .iter()
        .map(|&max| if max > 0.0 { max / 127.0 } else { 1.0 })
        .collect();

    let codes = weights
        .iter()
        .enumerate()
        .map(|(index, weight)| {
            (weight / scales[channel_of(index)])
                .round()
                .clamp(-127.0, 127.0) as i8
        })
        .collect();
    ChannelWeights { codes, scales }
}

/// int32 bias codes for an accumulator whose scale is `input_scale * weight_scales[c]`.
pub fn quantize_bias(bias: &[f32], input_scale: f32, weight_scales: &[f32]) -> Vec<i32> {
    bias.iter()
        .zip(weight_scales)
        .map(|(&value, &weight_scale)| {
            let step = f64::from(input_scale) * f64::from(weight_scale);
            (f64::from(value) / step)
                .round()
                .clamp(i32::MIN as f64, i32::MAX as f64) as i32
        })
        .collect()
}
