//! Op records: fixed-size runs of little-endian words, and references into the data section.
//!
//! Every record is [`RECORD_WORDS`] words. The first four are the same for every op: kind
//! code, output tensor, first input tensor, second input tensor (or [`NO_TENSOR`]). The op's
//! own parameters follow in the order its decoder reads them; the words after them are zero.
//! A data reference is two words, the byte offset in the data section (a multiple of 4) and
//! the byte length.

use alloc::vec::Vec;

use super::error::BlobError;

/// Words of one op record.
pub const RECORD_WORDS: usize = 24;

/// Bytes of one op record.
pub const RECORD_BYTES: usize = RECORD_WORDS * 4;

/// Words before an op's own parameters: kind, output, two inputs.
pub const PREFIX_WORDS: usize = 4;

/// A tensor slot of a record that names no tensor.
pub const NO_TENSOR: u32 = u32::MAX;

/// Alignment of everything in the blob: sections and data.
pub const ALIGNMENT: usize = 4;

/// The tensors an op reads and writes, from its record's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpIo {
    /// The kind code.
    pub kind: u32,
    /// The tensor the op writes.
    pub output: u32,
    /// The tensors the op reads (one or two).
    pub inputs: [Option<u32>; 2],
}

impl OpIo {
    /// The prefix of `record`.
    pub fn read(record: &[u8; RECORD_BYTES]) -> OpIo {
        let slot = |word| match word_at(record, word) {
            NO_TENSOR => None,
            tensor => Some(tensor),
        };
        OpIo {
            kind: word_at(record, 0),
            output: word_at(record, 1),
            inputs: [slot(2), slot(3)],
        }
    }
}

/// Reads one op record's parameters, in order, after its prefix.
#[derive(Debug)]
pub struct RecordReader<'a> {
    op: usize,
    record: &'a [u8; RECORD_BYTES],
    next: usize,
    data: &'a [u8],
}

impl<'a> RecordReader<'a> {
    /// A reader of op `op`'s `record` whose data references point into `data`.
    pub fn new(op: usize, record: &'a [u8; RECORD_BYTES], data: &'a [u8]) -> RecordReader<'a> {
        RecordReader {
            op,
            record,
            next: PREFIX_WORDS,
            data,
        }
    }

    /// The op's index.
    pub fn op(&self) -> usize {
        self.op
    }

    /// The next word; 0 once the record is exhausted (no decoder reads that far).
    pub fn word(&mut self) -> u32 {
        let value = if self.next < RECORD_WORDS {
            word_at(self.record, self.next)
        } else {
            0
        };
        self.next += 1;
        value
    }

    /// The next word as a size or count.
    pub fn size(&mut self) -> usize {
        self.word() as usize
    }

    /// The next word as a two's-complement integer.
    pub fn int(&mut self) -> i32 {
        self.word() as i32
    }

    /// The next word as an IEEE 754 single.
    pub fn float(&mut self) -> f32 {
        f32::from_bits(self.word())
    }

    /// The next word as an int8 zero point; `kind` names the op in the error.
    pub fn zero_point(&mut self, kind: &'static str) -> Result<i8, BlobError> {
        let op = self.op;
        i8::try_from(self.int()).map_err(|_| BlobError::BadOp {
            op,
            kind,
            problem: "a zero point lies outside the int8 range",
        })
    }

    /// The next two words as a reference into the data section, resolved.
    pub fn data(&mut self) -> Result<&'a [u8], BlobError> {
        let offset = self.size();
        let bytes = self.size();
        let out_of_range = BlobError::DataOutOfRange {
            op: self.op,
            offset,
            bytes,
            section: self.data.len(),
        };
        if !offset.is_multiple_of(ALIGNMENT) {
            return Err(out_of_range);
        }
        offset
            .checked_add(bytes)
            .and_then(|end| self.data.get(offset..end))
            .ok_or(out_of_range)
    }

    /// Checks that the words after the parameters are zero.
    pub fn finish(self, kind: &'static str) -> Result<(), BlobError> {
        let unused_are_zero = (self.next.min(RECORD_WORDS)..RECORD_WORDS)
            .all(|word| word_at(self.record, word) == 0);
        if unused_are_zero {
            Ok(())
        } else {
            Err(BlobError::BadOp {
                op: self.op,
                kind,
                problem: "its record has nonzero words after its parameters",
            })
        }
    }
}

/// Builds one op record, appending its data to the data section being written.
#[derive(Debug)]
pub struct RecordWriter<'d> {
    words: [u32; RECORD_WORDS],
    next: usize,
    data: &'d mut Vec<u8>,
}

impl<'d> RecordWriter<'d> {
    /// A record with prefix `io`, whose data goes to the end of `data`.
    pub fn new(io: OpIo, data: &'d mut Vec<u8>) -> RecordWriter<'d> {
        let mut words = [0; RECORD_WORDS];
        words[0] = io.kind;
        words[1] = io.output;
        words[2] = io.inputs[0].unwrap_or(NO_TENSOR);
        words[3] = io.inputs[1].unwrap_or(NO_TENSOR);
        RecordWriter {
            words,
            next: PREFIX_WORDS,
            data,
        }
    }

    /// Appends a word. Words past the record's end are dropped; the encoders write fewer
    /// (each op kind's round trip is tested).
    pub fn word(&mut self, value: u32) {
        if let Some(slot) = self.words.get_mut(self.next) {
            *slot = value;
        }
        self.next += 1;
    }

    /// Appends a size or count (saturated to 32 bits, which the reader then refuses).
    pub fn size(&mut self, value: usize) {
        self.word(u32::try_from(value).unwrap_or(u32::MAX));
    }

    /// Appends a two's-complement integer.
    pub fn int(&mut self, value: i32) {
        self.word(value as u32);
    }

    /// Appends an IEEE 754 single.
    pub fn float(&mut self, value: f32) {
        self.word(value.to_bits());
    }

    /// Appends `bytes` to the data section (4-byte aligned) and a reference to them.
    pub fn data(&mut self, bytes: &[u8]) {
        pad_to_alignment(self.data);
        let offset = self.data.len();
        self.data.extend_from_slice(bytes);
        self.size(offset);
        self.size(bytes.len());
    }

    /// The finished record's bytes.
    pub fn into_bytes(self) -> [u8; RECORD_BYTES] {
        let mut bytes = [0; RECORD_BYTES];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(self.words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        bytes
    }
}

/// Pads `bytes` with zeros to a multiple of [`ALIGNMENT`].
pub fn pad_to_alignment(bytes: &mut Vec<u8>) {
    let padded = bytes.len().next_multiple_of(ALIGNMENT);
    bytes.resize(padded, 0);
}

/// Word `index` of `record`.
fn word_at(record: &[u8; RECORD_BYTES], index: usize) -> u32 {
    let mut word = [0; 4];
    if let Some(bytes) = record.get(index * 4..index * 4 + 4) {
        word.copy_from_slice(bytes);
    }
    u32::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_data_round_trip() {
        let mut data = alloc::vec![1_u8];
        let io = OpIo {
            kind: 3,
            output: 7,
            inputs: [Some(2), None],
        };
        let mut writer = RecordWriter::new(io, &mut data);
        writer.int(-5);
        writer.float(0.25);
        writer.data(&[9, 8, 7]);
        let record = writer.into_bytes();
        assert_eq!(data, [1, 0, 0, 0, 9, 8, 7]);

        assert_eq!(OpIo::read(&record), io);
        let mut reader = RecordReader::new(4, &record, &data);
        assert_eq!(reader.int(), -5);
        assert_eq!(reader.float(), 0.25);
        assert_eq!(reader.data(), Ok(&[9_u8, 8, 7][..]));
        assert_eq!(reader.finish("Test"), Ok(()));
    }

    #[test]
    fn a_reference_past_the_data_or_misaligned_is_refused() {
        let data = [0_u8; 8];
        for (offset, bytes) in [(4_u32, 5_u32), (2, 1), (u32::MAX - 3, 8)] {
            let mut unused = Vec::new();
            let io = OpIo {
                kind: 1,
                output: 0,
                inputs: [None, None],
            };
            let mut writer = RecordWriter::new(io, &mut unused);
            writer.word(offset);
            writer.word(bytes);
            let record = writer.into_bytes();
            let mut reader = RecordReader::new(0, &record, &data);
            assert!(matches!(
                reader.data(),
                Err(BlobError::DataOutOfRange { .. })
            ));
        }
    }

    #[test]
    fn nonzero_words_after_the_parameters_are_refused() {
        let mut data = Vec::new();
        let io = OpIo {
            kind: 1,
            output: 0,
            inputs: [None, None],
        };
        let mut writer = RecordWriter::new(io, &mut data);
        writer.word(1);
        writer.word(2);
        let record = writer.into_bytes();

        let mut reader = RecordReader::new(0, &record, &data);
        reader.word();
        assert!(reader.finish("Test").is_err());
    }
}
