//! int8 codes widened to 16 bits and packed two to a 32-bit word, and the dot products over
//! such words that the convolution's inner loop runs.
//!
//! A word holds taps `2 * i` and `2 * i + 1` of a row; which half holds which depends on the
//! target's byte order, but rows and columns are packed alike, so each product pairs the
//! same taps. On the Cortex-M7 the product of two words compiles to one `SMLABB` and one
//! `SMLATT` (two 16-bit multiply-accumulates each) with no separate loads or sign
//! extensions, which plain int8 loops cannot reach from stable Rust.

/// Words that `taps` values take packed two to a word.
pub const fn packed_words(taps: usize) -> usize {
    taps.div_ceil(2)
}

/// Widens `codes` into `words`, two to a word, and zeroes the halves after them.
pub fn pack(codes: &[i8], words: &mut [i32]) {
    let (pairs, last) = codes.as_chunks::<2>();
    let (packed, rest) = words.split_at_mut(pairs.len().min(words.len()));

    for (word, &[first, second]) in packed.iter_mut().zip(pairs) {
        *word = pair_word(first, second);
    }
    let mut tail = rest.iter_mut();
    if let Some(&first) = last.first()
        && let Some(word) = tail.next()
    {
        *word = pair_word(first, 0);
    }
    tail.for_each(|word| *word = 0);
}

/// The word holding `first` and `second` widened, laid out as a `[i16; 2]` in memory.
fn pair_word(first: i8, second: i8) -> i32 {
    bytemuck::cast([i16::from(first), i16::from(second)])
}

/// The four dot products of two packed rows with two packed columns, added to `sums`:
/// `[rows[0] . columns[0], rows[0] . columns[1], rows[1] . columns[0], rows[1] . columns[1]]`
/// over the shortest of the four. Each word of a row is loaded once for two columns and each
/// word of a column once for two rows; the sums wrap like int32 accumulators.
///
/// Kept out of line: on its own the loop has the registers for its four sums, four words and
/// four streams, where inlined into the convolution it spills more of them.
#[inline(never)]
pub fn dot_2x2(rows: [&[i32]; 2], columns: [&[i32]; 2], sums: [i32; 4]) -> [i32; 4] {
    let [
        mut first_first,
        mut first_second,
        mut second_first,
        mut second_second,
    ] = sums;
    let [first_row, second_row] = rows;
    let [first_column, second_column] = columns;
    let words = first_row
        .iter()
        .zip(second_row)
        .zip(first_column.iter().zip(second_column));

    for ((&first, &second), (&left, &right)) in words {
        first_first = multiply_add(first_first, first, left);
        first_second = multiply_add(first_second, first, right);
        second_first = multiply_add(second_first, second, left);
        second_second = multiply_add(second_second, second, right);
    }
    [first_first, first_second, second_first, second_second]
}

/// `sum` plus the products of the low halves and of the high halves of `row` and `column`.
fn multiply_add(sum: i32, row: i32, column: i32) -> i32 {
    sum.wrapping_add(low_half(row).wrapping_mul(low_half(column)))
        .wrapping_add(high_half(row).wrapping_mul(high_half(column)))
}

/// The low 16 bits of `word`, sign-extended.
fn low_half(word: i32) -> i32 {
    (word << 16) >> 16
}

/// The high 16 bits of `word`, sign-extended.
fn high_half(word: i32) -> i32 {
    word >> 16
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn dot(first: &[i8], second: &[i8]) -> i32 {
        first
            .iter()
            .zip(second)
            .map(|(&a, &b)| i32::from(a) * i32::from(b))
            .sum()
    }

    fn packed(codes: &[i8]) -> Vec<i32> {
        let mut words = vec![-1; packed_words(codes.len())];
        pack(codes, &mut words);
        words
    }

    #[test]
    fn packed_dot_products_equal_the_int8_ones() {
        for taps in [1, 2, 5, 9, 32] {
            let codes = |seed: usize| -> Vec<i8> {
                (0..taps)
                    .map(|index| ((index * 37 + seed * 101) % 256) as u8 as i8)
                    .collect()
            };
            let (row0, row1, column0, column1) = (codes(0), codes(1), codes(2), codes(3));
            let sums = dot_2x2(
                [&packed(&row0), &packed(&row1)],
                [&packed(&column0), &packed(&column1)],
                [1, -2, 3, -4],
            );
            let expected = [
                1 + dot(&row0, &column0),
                -2 + dot(&row0, &column1),
                3 + dot(&row1, &column0),
                -4 + dot(&row1, &column1),
            ];
            assert_eq!(sums, expected, "{taps} taps");
        }
    }

    #[test]
    fn the_extremes_of_int8_multiply_exactly() {
        let row = packed(&[-128, -128, 127]);
        let column = packed(&[-128, 127, -128]);
        let sums = dot_2x2([&row, &row], [&column, &column], [0; 4]);
        assert_eq!(sums, [16384 - 16256 - 16256; 4]);
    }
}
