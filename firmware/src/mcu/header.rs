//! The blob header: magic, version, length, checksum, model digest and the section table.
//!
//! All fields are little-endian `u32` words except the magic and the digest:
//!
//! | offset | field |
//! |---|---|
//! | 0 | magic `EEMB` |
//! | 4 | format version |
//! | 8 | total blob bytes |
//! | 12 | CRC-32 of every blob byte except these four |
//! | 16 | SHA-256 of the int8 ONNX file the blob was converted from (32 bytes) |
//! | 48 | label count |
//! | 52 | arena bytes (tensor region + scratch) |
//! | 56 | scratch bytes (the end of the arena) |
//! | 60 | input tensor index |
//! | 64 | keypoints tensor index |
//! | 68 | emotion tensor index |
//! | 72 | tensor count |
//! | 76 | tensor table offset |
//! | 80 | op count |
//! | 84 | op table offset |
//! | 88 | data section offset |
//! | 92 | data section bytes |

use crc::{CRC_32_ISO_HDLC, Crc};

use super::error::BlobError;

/// The first four bytes of every model blob.
pub const MAGIC: [u8; 4] = *b"EEMB";

/// The format version this engine reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Bytes of the header.
pub const HEADER_BYTES: usize = 96;

/// Where the CRC-32 sits; the checksum covers every byte but these four.
const CRC_OFFSET: usize = 12;

/// Where the model digest sits.
const SHA256_OFFSET: usize = 16;

/// The CRC-32 variant of the blob (the one zlib and PNG use).
const BLOB_CRC: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

/// The header's fields, read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Total blob bytes.
    pub total_bytes: usize,
    /// SHA-256 of the ONNX file the blob was converted from.
    pub model_sha256: [u8; 32],
    /// Emotion labels the model scores.
    pub label_count: u32,
    /// Bytes of the arena: tensor region, then scratch.
    pub arena_bytes: usize,
    /// Bytes of scratch at the end of the arena.
    pub scratch_bytes: usize,
    /// Index of the model input tensor.
    pub input_tensor: u32,
    /// Index of the keypoints output tensor.
    pub keypoints_tensor: u32,
    /// Index of the emotion output tensor.
    pub emotion_tensor: u32,
    /// Entries of the tensor table.
    pub tensor_count: usize,
    /// Byte offset of the tensor table.
    pub tensors_offset: usize,
    /// Records of the op table.
    pub op_count: usize,
    /// Byte offset of the op table.
    pub ops_offset: usize,
    /// Byte offset of the data section.
    pub data_offset: usize,
    /// Bytes of the data section.
    pub data_bytes: usize,
}

impl Header {
    /// Reads the header of `bytes` and checks magic, version, length and checksum.
    pub fn read(bytes: &[u8]) -> Result<Header, BlobError> {
        let head = bytes
            .first_chunk::<HEADER_BYTES>()
            .ok_or(BlobError::NoHeader {
                present: bytes.len(),
            })?;
        let word = |offset: usize| read_u32(head, offset);

        check_magic(head)?;
        check_version(word(4))?;
        let total_bytes = word(8) as usize;
        check_length(total_bytes, bytes.len())?;
        check_crc(bytes, word(CRC_OFFSET))?;

        let mut model_sha256 = [0; 32];
        model_sha256.copy_from_slice(&head[SHA256_OFFSET..SHA256_OFFSET + 32]);
        Ok(Header {
            total_bytes,
            model_sha256,
            label_count: word(48),
            arena_bytes: word(52) as usize,
            scratch_bytes: word(56) as usize,
            input_tensor: word(60),
            keypoints_tensor: word(64),
            emotion_tensor: word(68),
            tensor_count: word(72) as usize,
            tensors_offset: word(76) as usize,
            op_count: word(80) as usize,
            ops_offset: word(84) as usize,
            data_offset: word(88) as usize,
            data_bytes: word(92) as usize,
        })
    }

    /// Writes the header into the first [`HEADER_BYTES`] of `blob` and then the CRC-32 of
    /// the whole blob, which must already hold every section.
    ///
    /// A size over 32 bits is written as `u32::MAX`, which [`Header::read`] then refuses.
    ///
    /// # Panics
    /// When `blob` is shorter than a header (the writer sizes it, on the host).
    pub fn write(&self, blob: &mut [u8]) {
        let word = |value: usize| u32::try_from(value).unwrap_or(u32::MAX);
        let fields: [(usize, u32); 15] = [
            (4, FORMAT_VERSION),
            (8, word(self.total_bytes)),
            (48, self.label_count),
            (52, word(self.arena_bytes)),
            (56, word(self.scratch_bytes)),
            (60, self.input_tensor),
            (64, self.keypoints_tensor),
            (68, self.emotion_tensor),
            (72, word(self.tensor_count)),
            (76, word(self.tensors_offset)),
            (80, word(self.op_count)),
            (84, word(self.ops_offset)),
            (88, word(self.data_offset)),
            (92, word(self.data_bytes)),
            (CRC_OFFSET, 0),
        ];

        blob[..4].copy_from_slice(&MAGIC);
        for (offset, value) in fields {
            blob[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
        }
        blob[SHA256_OFFSET..SHA256_OFFSET + 32].copy_from_slice(&self.model_sha256);
        seal(blob);
    }
}

/// Stores the CRC-32 of `blob` in its header (nothing when `blob` is shorter than one).
pub fn seal(blob: &mut [u8]) {
    let crc = blob_crc(blob);
    if let Some(field) = blob.get_mut(CRC_OFFSET..CRC_OFFSET + 4) {
        field.copy_from_slice(&crc.to_le_bytes());
    }
}

/// The CRC-32 of every byte of `blob` except the CRC field.
fn blob_crc(blob: &[u8]) -> u32 {
    let (before, rest) = blob.split_at(CRC_OFFSET.min(blob.len()));
    let after = rest.get(4..).unwrap_or(&[]);

    let mut digest = BLOB_CRC.digest();
    digest.update(before);
    digest.update(after);
    digest.finalize()
}

/// The little-endian word at `offset` of the header.
fn read_u32(head: &[u8; HEADER_BYTES], offset: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&head[offset..offset + 4]);
    u32::from_le_bytes(word)
}

fn check_magic(head: &[u8; HEADER_BYTES]) -> Result<(), BlobError> {
    let mut found = [0; 4];
    found.copy_from_slice(&head[..4]);
    if found == MAGIC {
        Ok(())
    } else {
        Err(BlobError::BadMagic { found })
    }
}

fn check_version(found: u32) -> Result<(), BlobError> {
    if found == FORMAT_VERSION {
        Ok(())
    } else {
        Err(BlobError::UnsupportedVersion {
            found,
            supported: FORMAT_VERSION,
        })
    }
}

fn check_length(declared: usize, present: usize) -> Result<(), BlobError> {
    if present < declared {
        Err(BlobError::Truncated { declared, present })
    } else if present > declared {
        Err(BlobError::TrailingBytes { declared, present })
    } else {
        Ok(())
    }
}

fn check_crc(bytes: &[u8], stored: u32) -> Result<(), BlobError> {
    let computed = blob_crc(bytes);
    if computed == stored {
        Ok(())
    } else {
        Err(BlobError::ChecksumMismatch { stored, computed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn header() -> Header {
        Header {
            total_bytes: HEADER_BYTES + 8,
            model_sha256: [7; 32],
            label_count: 5,
            arena_bytes: 64,
            scratch_bytes: 16,
            input_tensor: 0,
            keypoints_tensor: 1,
            emotion_tensor: 2,
            tensor_count: 3,
            tensors_offset: HEADER_BYTES,
            op_count: 0,
            ops_offset: HEADER_BYTES + 8,
            data_offset: HEADER_BYTES + 8,
            data_bytes: 0,
        }
    }

    fn blob() -> [u8; HEADER_BYTES + 8] {
        let mut blob = [0xA5; HEADER_BYTES + 8];
        header().write(&mut blob);
        blob
    }

    #[test]
    fn a_written_header_reads_back() {
        assert_eq!(Header::read(&blob()), Ok(header()));
    }

    #[test]
    fn the_crc_is_the_iso_hdlc_one_over_all_but_its_own_field() {
        let blob = blob();
        let stored = u32::from_le_bytes([blob[12], blob[13], blob[14], blob[15]]);

        let mut digest = BLOB_CRC.digest();
        digest.update(&blob[..12]);
        digest.update(&blob[16..]);
        assert_eq!(stored, digest.finalize());
        assert_eq!(BLOB_CRC.checksum(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn a_short_blob_says_how_short_it_is() {
        let blob = blob();
        let error = Header::read(&blob[..blob.len() - 3]).unwrap_err();
        assert_eq!(
            error,
            BlobError::Truncated {
                declared: blob.len(),
                present: blob.len() - 3
            }
        );
        assert_eq!(
            error.to_string(),
            "model blob is truncated: header says 104 bytes, 101 present"
        );
        assert_eq!(
            Header::read(&blob[..10]),
            Err(BlobError::NoHeader { present: 10 })
        );
    }

    #[test]
    fn magic_version_length_and_crc_are_each_checked() {
        let mut bad_magic = blob();
        bad_magic[0] = b'X';
        assert!(matches!(
            Header::read(&bad_magic),
            Err(BlobError::BadMagic { .. })
        ));

        let mut bad_version = blob();
        bad_version[4] = 9;
        assert!(matches!(
            Header::read(&bad_version),
            Err(BlobError::UnsupportedVersion { found: 9, .. })
        ));

        let mut longer = blob().to_vec();
        longer.push(0);
        assert!(matches!(
            Header::read(&longer),
            Err(BlobError::TrailingBytes { .. })
        ));

        let mut flipped = blob();
        flipped[20] ^= 0x10;
        assert!(matches!(
            Header::read(&flipped),
            Err(BlobError::ChecksumMismatch { .. })
        ));
    }
}
