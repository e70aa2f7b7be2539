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

/// An int32 accumulator rescaled by `multiplier` (input scale x weight scale / output scale)
/// to an int8 code with `zero_point`.
pub fn requantize(accumulator: i32, multiplier: f32, zero_point: i8) -> i8 {
    saturate_to_i8(
        round_half_to_even(accumulator as f32 * multiplier),
        zero_point,
    )
}

/// A float quantised with `1 / scale` (`inverse_scale`) and `zero_point`.
pub fn quantize(value: f32, inverse_scale: f32, zero_point: i8) -> i8 {
    saturate_to_i8(round_half_to_even(value * inverse_scale), zero_point)
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
    fn requantisation_rescales_rounds_and_shifts() {
        // 10 * 0.25 = 2.5 -> 2 (even), + zero point 5.
        assert_eq!(requantize(10, 0.25, 5), 7);
        // -14 * 0.25 = -3.5 -> -4, + (-128) saturates.
        assert_eq!(requantize(-14, 0.25, -128), -128);
        assert_eq!(quantize(0.3, 10.0, -128), -125);
    }
}
