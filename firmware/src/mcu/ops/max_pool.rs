//! MaxPool on int8 codes (the max of codes is the code of the max: scale and zero point
//! pass through).

use super::super::error::BlobError;
use super::super::record::{RecordReader, RecordWriter};
use super::super::tensor::DataType;
use super::super::window::Window;
use super::Operands;

/// The largest code under each window position; padding taps are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxPool {
    /// Kernel, strides and pads (dilations 1).
    pub window: Window,
}

impl MaxPool {
    /// The op's name in messages.
    pub const NAME: &'static str = "MaxPool";

    /// Writes the parameters.
    pub fn encode(&self, record: &mut RecordWriter<'_>) {
        self.window.encode(record);
    }

    /// Reads the parameters.
    pub fn decode(record: &mut RecordReader<'_>) -> Result<MaxPool, BlobError> {
        Ok(MaxPool {
            window: Window::decode(record, Self::NAME)?,
        })
    }

    /// int8 `[1, C, H, W]` in, int8 `[1, C, OH, OW]` out, the window's output size.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_one_input(Self::NAME)?;
        check_pool(&self.window, operands, Self::NAME, DataType::I8)
    }

    /// Pools `input` of `[C, H, W]` into `output` of `[C, OH, OW]`.
    pub fn run(
        &self,
        input_chw: [usize; 3],
        output_chw: [usize; 3],
        input: &[i8],
        output: &mut [i8],
    ) {
        let [_, height, width] = input_chw;
        let [_, out_height, out_width] = output_chw;
        let window = &self.window;
        let planes = input.chunks_exact(height * width);
        let out_planes = output.chunks_exact_mut(out_height * out_width);

        let halving = window.kernel == [2, 2] && window.strides == [2, 2] && window.pads == [0; 4];
        for (plane, out_plane) in planes.zip(out_planes) {
            if halving {
                halve(plane, width, out_plane, out_width);
                continue;
            }
            for (index, out) in out_plane.iter_mut().enumerate() {
                let position = [index / out_width.max(1), index % out_width.max(1)];
                *out = window_max(window, plane, [height, width], position);
            }
        }
    }
}

/// 2x2 pooling with stride 2 and no padding, the common case: each output row from a pair
/// of input rows, each output code the largest of two code pairs.
fn halve(plane: &[i8], width: usize, out_plane: &mut [i8], out_width: usize) {
    let row_pairs = plane.chunks_exact(2 * width.max(1));
    for (rows, out_row) in row_pairs.zip(out_plane.chunks_exact_mut(out_width.max(1))) {
        let (top, bottom) = rows.split_at(width);
        let pairs = top.chunks_exact(2).zip(bottom.chunks_exact(2));

        for (out, (top, bottom)) in out_row.iter_mut().zip(pairs) {
            *out = top[0].max(top[1]).max(bottom[0].max(bottom[1]));
        }
    }
}

/// The largest code of `plane` (`[height, width]`) under output position `position`'s
/// window, its rows read as slices without the taps in the padding (`i8::MIN` for none).
fn window_max(window: &Window, plane: &[i8], input: [usize; 2], position: [usize; 2]) -> i8 {
    let [height, width] = input;
    let [row, column] = position;
    let rows = window.valid_taps(0, row, height);
    let columns = window.valid_taps(1, column, width);
    if columns.is_empty() {
        return i8::MIN;
    }

    let first_column = window.input_position(1, column, columns.start);
    let mut max = i8::MIN;
    for tap_row in rows {
        let start = window.input_position(0, row, tap_row) * width + first_column;
        if let Some(codes) = plane.get(start..start + columns.len()) {
            max = codes.iter().fold(max, |max, &code| max.max(code));
        }
    }
    max
}

/// The shape checks both pools share: `[1, C, H, W]` of `data_type` in, `[1, C, OH, OW]`
/// out, pads smaller than the kernel and dilations 1.
pub fn check_pool(
    window: &Window,
    operands: &Operands,
    kind: &'static str,
    data_type: DataType,
) -> Result<(), BlobError> {
    let (input, output) = (&operands.input, &operands.output);
    let (Some([channels, height, width]), Some([out_channels, out_height, out_width])) =
        (input.chw(), output.chw())
    else {
        return Err(operands.bad(kind, "its input or output is not a [1, C, H, W] tensor"));
    };
    if input.data_type != data_type || output.data_type != data_type {
        return Err(operands.bad(kind, "its input or output has the wrong element type"));
    }
    if !window.pads_leave_a_tap_inside() {
        return Err(operands.bad(
            kind,
            "its pads reach a kernel's size or its dilations are not 1",
        ));
    }
    if channels != out_channels
        || window.output_size([height, width]) != Some([out_height, out_width])
    {
        return Err(operands.bad(kind, "its output shape does not follow from its window"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::operands;
    use super::*;
    use alloc::vec::Vec;

    fn pool(kernel: usize, stride: usize, pad: usize) -> MaxPool {
        MaxPool {
            window: Window {
                kernel: [kernel; 2],
                strides: [stride; 2],
                dilations: [1; 2],
                pads: [pad; 4],
            },
        }
    }

    #[test]
    fn each_window_keeps_its_largest_code() {
        #[rustfmt::skip]
        let input = [
            1, 2, -3, 4,
            5, -6, 7, 8,
            -9, 10, 11, -128,
            13, 14, -15, -16,
        ];
        let mut output = [0; 4];
        pool(2, 2, 0).run([1, 4, 4], [1, 2, 2], &input, &mut output);
        assert_eq!(output, [5, 8, 14, 11]);
    }

    #[test]
    fn odd_sides_drop_their_last_row_and_column() {
        let (height, width) = (5, 7);
        let input: Vec<i8> = (0..2 * height * width)
            .map(|index| ((index * 73 + 11) % 256) as u8 as i8)
            .collect();
        let mut output = [0; 2 * 2 * 3];
        pool(2, 2, 0).run([2, height, width], [2, 2, 3], &input, &mut output);

        for (index, &code) in output.iter().enumerate() {
            let (plane, row, column) = (index / 6, index / 3 % 2, index % 3);
            let at = |y: usize, x: usize| input[(plane * height + y) * width + x];
            let (y, x) = (2 * row, 2 * column);
            let max = at(y, x)
                .max(at(y, x + 1))
                .max(at(y + 1, x))
                .max(at(y + 1, x + 1));
            assert_eq!(code, max, "{index}");
        }
    }

    #[test]
    fn padding_taps_are_skipped() {
        let input = [-100, -50, -20, -10];
        let mut output = [0; 9];
        pool(2, 1, 1).run([1, 2, 2], [1, 3, 3], &input, &mut output);
        assert_eq!(output, [-100, -50, -50, -20, -10, -10, -20, -10, -10]);
    }

    #[test]
    fn the_output_shape_must_follow_from_the_window() {
        let types = [DataType::I8; 2];
        let op = pool(2, 2, 0);
        assert!(
            op.check(&operands(&[1, 3, 8, 8], &[1, 3, 4, 4], types))
                .is_ok()
        );
        assert!(
            op.check(&operands(&[1, 3, 8, 8], &[1, 3, 4, 5], types))
                .is_err()
        );
        assert!(
            op.check(&operands(&[1, 3, 8, 8], &[1, 2, 4, 4], types))
                .is_err()
        );
        assert!(
            pool(2, 2, 2)
                .check(&operands(&[1, 3, 8, 8], &[1, 3, 6, 6], types))
                .is_err()
        );
    }
}
