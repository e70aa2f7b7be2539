//! Float to int8 the ONNX way: round half to even, add the zero point, saturate.

/// Rounds to the nearest integer, ties to even (IEEE 754 `roundToIntegralTiesToEven`), as
/// ONNX QuantizeLinear, QLinearConv and QLinearMatMul do.
pub fn round_half_to_even(value: f32) -> f32 {
    libm::roundevenf(value)
}

/// `rounded + zero_point` saturated to int8; `rounded` is already an integer (NaN counts
/// as 0, infinities saturate).
pub fn saturate_to_i8(rounded: f32, zero_point: i8) -> i8 {
    let code = (rounded as i32).saturating_add(i32::from(zero_point));
    code.clamp(i32::from(i8::MIN), i32::from(i8::MAX)) as i8
}

/// 1.5 x 2^23: adding it to an f32 of magnitude under 2^22 and subtracting it again rounds
/// that value to an integer, ties to even (the default IEEE 754 rounding mode). A larger
/// magnitude comes back with its sign and a magnitude over 2^21, so it saturates as the
/// exactly rounded value would; infinities stay infinite and NaN stays NaN.
const ROUNDING_BIAS: f32 = 12_582_912.0;

/// An int32 accumulator rescaled by `multiplier` (input scale x weight scale / output scale)
/// to an int8 code with `zero_point`.
pub fn requantize(accumulator: i32, multiplier: f32, zero_point: i8) -> i8 {
    round_and_saturate(accumulator as f32 * multiplier, zero_point)
}

/// A float quantised with `1 / scale` (`inverse_scale`) and `zero_point`.
pub fn quantize(value: f32, inverse_scale: f32, zero_point: i8) -> i8 {
    round_and_saturate(value * inverse_scale, zero_point)
}

/// `saturate_to_i8(round_half_to_even(scaled), zero_point)` without a call, rounding with
/// [`ROUNDING_BIAS`], as this runs once per convolution output and per quantised value.
fn round_and_saturate(scaled: f32, zero_point: i8) -> i8 {
    let rounded = (scaled + ROUNDING_BIAS) - ROUNDING_BIAS;
    saturate_to_i8(rounded, zero_point)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_to_even() {
        let cases = [
            (0.5, 0.0),
            (1.5, 2.0),
            (2.5, 2.0),
            (-0.5, -0.0),
            (-1.5, -2.0),
            (2.4, 2.0),
        ];
        for (value, rounded) in cases {
            assert_eq!(round_half_to_even(value), rounded, "{value}");
        }
    }

    #[test]
    fn codes_saturate_at_the_int8_range() {
        assert_eq!(saturate_to_i8(200.0, 0), 127);
        assert_eq!(saturate_to_i8(-200.0, 10), -128);
        assert_eq!(saturate_to_i8(100.0, 100), 127);
        assert_eq!(saturate_to_i8(f32::NAN, -3), -3);
        assert_eq!(saturate_to_i8(f32::INFINITY, 0), 127);
    }

    #[test]
    fn rescaled_values_round_like_round_half_to_even() {
        let multipliers = [0.5, 0.25, 0.125, 0.013, 0.0371, 1.0, 3.7, 1.0e-6, 1.0e6];
        let accumulators = (-5000..5000)
            .chain([i32::MIN, i32::MAX, -(1 << 24) - 3, (1 << 24) + 5])
            .chain((0..2000).map(|index| index * 104_729 - 100_000_000));
        for accumulator in accumulators {
            for multiplier in multipliers {
                for zero_point in [-128, -5, 0, 3, 127] {
                    let exact = saturate_to_i8(
                        round_half_to_even(accumulator as f32 * multiplier),
                        zero_point,
                    );
                    let case = "{accumulator} x {multiplier} + {zero_point}";
                    assert_eq!(
                        requantize(accumulator, multiplier, zero_point),
                        exact,
                        "{case}"
                    );
                    let value = accumulator as f32;
                    assert_eq!(quantize(value, multiplier, zero_point), exact, "{case}");
                }
            }
        }
    }

    #[test]
    fn every_magnitude_rounds_and_saturates_like_round_half_to_even() {
        let special = [
            0.5,
            1.5,
            2.5,
            -2.5,
            127.5,
            128.5,
            -128.5,
            -129.5,
            254.5,
            4_194_303.5,
            4_194_304.5,
            -4_194_304.5,
            8_388_607.5,
            -8_388_608.0,
            12_582_912.0,
            -12_582_912.0,
            -12_582_911.0,
            -16_777_216.0,
            3.4e38,
            -3.4e38,
        ];
        let patterns = (0..=u32::MAX).step_by(65_521).map(f32::from_bits);
        let infinite = [f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -0.0];
        for value in special.into_iter().chain(patterns).chain(infinite) {
            for zero_point in [-128, -1, 0, 1, 127] {
                let exact = saturate_to_i8(round_half_to_even(value), zero_point);
                assert_eq!(
                    quantize(value, 1.0, zero_point),
                    exact,
                    "{value} + {zero_point}"
                );
            }
        }
    }

    #[test]
    fn requantisation_rescales_rounds_and_shifts() {
        // 10 * 0.25 = 2.5 -> 2 (even), + zero point 5.
        assert_eq!(requantize(10, 0.25, 5), 7);
        // -14 * 0.25 = -3.5 -> -4, + (-128) saturates.
        assert_eq!(requantize(-14, 0.25, -128), -128);
        assert_eq!(quantize(0.3, 10.0, -128), -125);
        assert_eq!(quantize(f32::NAN, 1.0, -3), -3);
        assert_eq!(quantize(f32::NEG_INFINITY, 1.0, 100), -128);
    }
}
