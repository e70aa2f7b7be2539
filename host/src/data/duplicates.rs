//! Pixel-identical images: grouping, label conflicts and leakage between splits; and blank
//! images, identical to themselves everywhere.

use std::collections::HashMap;

use super::Split;

/// Images grouped by identical pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageGroups {
    /// Group index of each image, groups numbered in order of first appearance.
    pub group_of: Vec<usize>,
    /// Number of images in each group.
    pub sizes: Vec<usize>,
}

impl ImageGroups {
    /// Groups `images` by identical bytes: hashed, then compared byte for byte, so a hash
    /// collision never merges different images.
    pub fn of<'a>(images: impl IntoIterator<Item = &'a [u8]>) -> ImageGroups {
        let mut first_seen: HashMap<&'a [u8], usize> = HashMap::new();
        let mut group_of = Vec::new();
        let mut sizes = Vec::new();

        for image in images {
            let next = sizes.len();
            let group = *first_seen.entry(image).or_insert(next);
            if group == next {
                sizes.push(0);
            }
            sizes[group] += 1;
            group_of.push(group);
        }
        ImageGroups { group_of, sizes }
    }

    /// Number of groups with more than one image.
    pub fn duplicate_groups(&self) -> u64 {
        self.sizes.iter().filter(|size| **size > 1).count() as u64
    }

    /// Number of images that repeat an earlier one.
    pub fn duplicate_rows(&self) -> u64 {
        self.sizes
            .iter()
            .map(|size| size.saturating_sub(1) as u64)
            .sum()
    }

    /// For each group, whether its images carry more than one distinct label.
    pub fn conflicting<L: PartialEq + Copy>(&self, labels: &[L]) -> Vec<bool> {
        let mut first_label: Vec<Option<L>> = vec![None; self.sizes.len()];
        let mut conflict = vec![false; self.sizes.len()];

        for (group, label) in self.group_of.iter().zip(labels) {
            match first_label[*group] {
                None => first_label[*group] = Some(*label),
                Some(first) if first != *label => conflict[*group] = true,
                Some(_) => {}
            }
        }
        conflict
    }

    /// Images whose split comes after the earliest split of their group: validation or test
    /// images that also occur in training, test images that also occur in validation.
    pub fn leakage_rows(&self, splits: &[Split]) -> u64 {
        let mut earliest: Vec<Option<Split>> = vec![None; self.sizes.len()];
        for (group, split) in self.group_of.iter().zip(splits) {
            let known = &mut earliest[*group];
            *known = Some(known.map_or(*split, |first| first.min(*split)));
        }

        self.group_of
            .iter()
            .zip(splits)
            .filter(|(group, split)| earliest[**group].is_some_and(|first| first < **split))
            .count() as u64
    }
}

/// Number of images whose pixels all hold one value.
pub fn count_constant<'a>(images: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let is_constant = |pixels: &[u8]| pixels.windows(2).all(|pair| pair[0] == pair[1]);
    images
        .into_iter()
        .filter(|pixels| is_constant(pixels))
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_images_share_a_group() {
        let images: [&[u8]; 5] = [b"ab", b"cd", b"ab", b"ef", b"ab"];
        let groups = ImageGroups::of(images);
        assert_eq!(groups.group_of, [0, 1, 0, 2, 0]);
        assert_eq!(groups.sizes, [3, 1, 1]);
        assert_eq!(groups.duplicate_groups(), 1);
        assert_eq!(groups.duplicate_rows(), 2);
    }

    #[test]
    fn conflicts_and_leakage_are_found() {
        let images: [&[u8]; 4] = [b"a", b"a", b"b", b"b"];
        let groups = ImageGroups::of(images);
        assert_eq!(groups.conflicting(&[1, 2, 3, 3]), [true, false]);
        let splits = [Split::Validation, Split::Train, Split::Test, Split::Test];
        assert_eq!(groups.leakage_rows(&splits), 1);
    }
}
