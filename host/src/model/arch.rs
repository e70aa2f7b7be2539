//! The named network sizes users pick with `--arch`.

use serde::{Deserialize, Serialize};

/// A named network size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Arch {
    /// The reference design's ResNets (about 18.0 M and 1.16 M parameters).
    Reference,
    /// The device default: the same kind of ResNet, small enough for 2 MB of flash.
    Edge,
}

impl Arch {
    /// The lowercase name used on the command line and in model cards.
    pub fn name(self) -> &'static str {
        match self {
            Arch::Reference => "reference",
            Arch::Edge => "edge",
        }
    }
}

impl std::fmt::Display for Arch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
