//! How readers treat bad rows, limits and seeded splits.

use super::error::DataError;

/// Options shared by the data readers.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOptions {
    /// Make any bad row fatal instead of skipping and counting it.
    pub strict: bool,
    /// Stop after this many kept samples (for quick runs); reading still streams.
    pub limit: Option<usize>,
    /// Seed of every random split the readers make.
    pub seed: u64,
    /// Drop every copy of an image that appears more than once with different labels.
    pub drop_conflicting_duplicates: bool,
    /// Share of all samples put in the validation split when the data does not say.
    pub validation_fraction: f32,
    /// Share of all samples put in the test split when the data does not say.
    pub test_fraction: f32,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            strict: false,
            limit: None,
            seed: 42,
            drop_conflicting_duplicates: true,
            validation_fraction: 0.1,
            test_fraction: 0.1,
        }
    }
}

impl ReadOptions {
    /// Checks that the limit, if any, is positive and that the split fractions are in
    /// [0, 1) and leave some samples for training.
    pub fn check(&self) -> Result<(), DataError> {
        if self.limit == Some(0) {
            return Err(DataError::Options("limit = 0 keeps no samples".to_owned()));
        }

        let fractions = [
            ("validation_fraction", self.validation_fraction),
            ("test_fraction", self.test_fraction),
        ];
        for (name, value) in fractions {
            if !(0.0..1.0).contains(&value) {
                return Err(DataError::Options(format!(
                    "{name} = {value} is not in [0, 1)"
                )));
            }
        }

        if self.validation_fraction + self.test_fraction >= 1.0 {
            return Err(DataError::Options(format!(
                "validation_fraction + test_fraction = {} leaves nothing to train on",
                self.validation_fraction + self.test_fraction
            )));
        }
        Ok(())
    }
}
