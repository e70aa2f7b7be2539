//! The sliding window of convolutions and pools: kernel, strides, dilations, pads.

use core::ops::Range;

use super::error::BlobError;
use super::record::{RecordReader, RecordWriter};

/// Largest kernel side, stride, dilation or pad a blob may hold.
const MAX_WINDOW_PARAMETER: usize = 1 << 15;

/// A 2-D window over an NCHW tensor's height and width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Window {
    /// Kernel height and width.
    pub kernel: [usize; 2],
    /// Steps between windows, vertical and horizontal.
    pub strides: [usize; 2],
    /// Steps between kernel taps, vertical and horizontal.
    pub dilations: [usize; 2],
    /// Padding at the top, left, bottom and right (ONNX `pads` order).
    pub pads: [usize; 4],
}

impl Window {
    /// Writes the ten parameter words.
    pub fn encode(&self, record: &mut RecordWriter<'_>) {
        let words = self
            .kernel
            .iter()
            .chain(&self.strides)
            .chain(&self.dilations)
            .chain(&self.pads);
        for &value in words {
            record.size(value);
        }
    }

    /// Reads the ten parameter words and checks that each lies in 1..=32768 (pads 0..).
    pub fn decode(record: &mut RecordReader<'_>, kind: &'static str) -> Result<Window, BlobError> {
        let mut pair = || [record.size(), record.size()];
        let kernel = pair();
        let strides = pair();
        let dilations = pair();
        let pads = [record.size(), record.size(), record.size(), record.size()];

        let positive = kernel.iter().chain(&strides).chain(&dilations);
        let in_range = positive
            .clone()
            .all(|&value| (1..=MAX_WINDOW_PARAMETER).contains(&value))
            && pads.iter().all(|&pad| pad <= MAX_WINDOW_PARAMETER);
        if !in_range {
            return Err(BlobError::BadOp {
                op: record.op(),
                kind,
                problem: "a kernel side, stride or dilation is 0, or a window parameter is \
                          over 32768",
            });
        }
        Ok(Window {
            kernel,
            strides,
            dilations,
            pads,
        })
    }

    /// Output height and width for an input of `[height, width]`; `None` when the kernel
    /// does not fit the padded input.
    pub fn output_size(&self, input: [usize; 2]) -> Option<[usize; 2]> {
        Some([
            self.output_side(0, input[0])?,
            self.output_side(1, input[1])?,
        ])
    }

    /// Whether every window position has at least one tap inside the input (each pad is
    /// smaller than the kernel, taps one apart), as pools need.
    pub fn pads_leave_a_tap_inside(&self) -> bool {
        self.dilations == [1, 1]
            && self.pads[0] < self.kernel[0]
            && self.pads[2] < self.kernel[0]
            && self.pads[1] < self.kernel[1]
            && self.pads[3] < self.kernel[1]
    }

    /// Output positions along `axis` (0 vertical, 1 horizontal) whose kernel tap `tap` falls
    /// inside an input of `input` positions, for an output of `output` positions.
    pub fn valid_outputs(
        &self,
        axis: usize,
        tap: usize,
        input: usize,
        output: usize,
    ) -> Range<usize> {
        let stride = self.strides[axis];
        let reach = tap * self.dilations[axis];
        let pad = self.pads[axis];

        let start = pad.saturating_sub(reach).div_ceil(stride);
        let end = (input + pad).saturating_sub(reach).div_ceil(stride);
        start.min(output)..end.min(output)
    }

    /// Kernel taps along `axis` (0 vertical, 1 horizontal) that output position `position`
    /// has inside an input of `input` positions; the others fall in the padding.
    pub fn valid_taps(&self, axis: usize, position: usize, input: usize) -> Range<usize> {
        let dilation = self.dilations[axis];
        let padded = position * self.strides[axis];
        let pad = self.pads[axis];

        let start = pad.saturating_sub(padded).div_ceil(dilation);
        let end = (input + pad).saturating_sub(padded).div_ceil(dilation);
        let kernel = self.kernel[axis];
        start.min(kernel)..end.min(kernel)
    }

    /// The input position of output position `position`'s tap `tap` along `axis`; only
    /// meaningful inside [`Window::valid_outputs`].
    pub fn input_position(&self, axis: usize, position: usize, tap: usize) -> usize {
        (position * self.strides[axis] + tap * self.dilations[axis])
            .saturating_sub(self.pads[axis])
    }

    /// The input position of output position `position`'s tap `tap` along `axis`, or `None`
    /// when the tap falls in the padding of an input of `input` positions.
    pub fn tap_position(
        &self,
        axis: usize,
        position: usize,
        tap: usize,
        input: usize,
    ) -> Option<usize> {
        let padded = position * self.strides[axis] + tap * self.dilations[axis];
        padded
            .checked_sub(self.pads[axis])
            .filter(|&inside| inside < input)
    }

    /// One output side: `(input + pads - dilation * (kernel - 1) - 1) / stride + 1`.
    fn output_side(&self, axis: usize, input: usize) -> Option<usize> {
        let padded = input
            .checked_add(self.pads[axis])?
            .checked_add(self.pads[axis + 2])?;
        let extent = self.dilations[axis]
            .checked_mul(self.kernel[axis] - 1)?
            .checked_add(1)?;
        let room = padded.checked_sub(extent)?;
        Some(room / self.strides[axis] + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(kernel: usize, stride: usize, pad: usize) -> Window {
        Window {
            kernel: [kernel; 2],
            strides: [stride; 2],
            dilations: [1; 2],
            pads: [pad; 4],
        }
    }

    #[test]
    fn output_sizes_follow_the_onnx_formula() {
        assert_eq!(window(5, 2, 2).output_size([96, 96]), Some([48, 48]));
        assert_eq!(window(3, 1, 1).output_size([12, 7]), Some([12, 7]));
        assert_eq!(window(2, 2, 0).output_size([5, 5]), Some([2, 2]));
        assert_eq!(window(7, 1, 0).output_size([5, 5]), None);
    }

    #[test]
    fn valid_taps_are_exactly_those_inside() {
        for (kernel, stride, dilation, pad, input) in [
            (5, 2, 1, 2, 9),
            (3, 1, 1, 1, 4),
            (3, 1, 2, 0, 7),
            (2, 3, 2, 3, 3),
            (1, 1, 1, 3, 2),
        ] {
            let window = Window {
                kernel: [kernel; 2],
                strides: [stride; 2],
                dilations: [dilation; 2],
                pads: [pad; 4],
            };
            let [output, _] = window.output_size([input, input]).unwrap();
            for position in 0..output {
                let range = window.valid_taps(0, position, input);
                for tap in 0..kernel {
                    let inside = window.tap_position(0, position, tap, input).is_some();
                    assert_eq!(range.contains(&tap), inside, "{window:?} {position} {tap}");
                }
            }
        }
    }

    #[test]
    fn valid_outputs_are_exactly_those_whose_tap_is_inside() {
        for (kernel, stride, pad, input) in
            [(5, 2, 2, 9), (3, 1, 1, 4), (1, 1, 3, 2), (2, 3, 0, 8)]
        {
            let window = window(kernel, stride, pad);
            let [output, _] = window.output_size([input, input]).unwrap();
            for tap in 0..kernel {
                let range = window.valid_outputs(0, tap, input, output);
                for position in 0..output {
                    let inside = window.tap_position(0, position, tap, input);
                    assert_eq!(
                        range.contains(&position),
                        inside.is_some(),
                        "{window:?} {tap}"
                    );
                    if let Some(inside) = inside {
                        assert_eq!(window.input_position(0, position, tap), inside);
                    }
                }
            }
        }
    }
}
