//! The two training losses, with their per-sample weights and masks prepared on the CPU so
//! the graph stays a few tensor operations.

use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::activation::log_softmax;

/// Cross-entropy of `logits` `[batch, classes]` against soft targets: `-sum(targets *
/// log_softmax(logits))`. `targets` already carries label smoothing and the sample weights,
/// normalised so that it sums to 1 (see [`soft_targets`]); the result is the weighted mean.
pub fn soft_cross_entropy(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    (log_softmax(logits, 1) * targets).sum().neg()
}

/// Soft targets `[batch, classes]` for `labels`: `(1 - smoothing)` on the label plus
/// `smoothing / classes` everywhere, each row scaled by its class weight, all divided by the
/// total weight of the batch.
pub fn soft_targets(
    labels: &[usize],
    class_weights: &[f32],
    smoothing: f32,
    device: &Device,
) -> Tensor<2> {
    let classes = class_weights.len();
    let total: f32 = labels.iter().map(|&label| class_weights[label]).sum();
    let mut values = vec![0.0f32; labels.len() * classes];
    for (row, &label) in values.chunks_exact_mut(classes).zip(labels) {
        let weight = class_weights[label] / total;
        for (class, value) in row.iter_mut().enumerate() {
            let target =
                smoothing / classes as f32 + if class == label { 1.0 - smoothing } else { 0.0 };
            *value = target * weight;
        }
    }
    Tensor::from_data(TensorData::new(values, [labels.len(), classes]), device)
}

/// Mean squared error over the labelled values only: `sum(weights * (predicted - truth)^2)`
/// where `weights` is the labelled-value mask divided by the number of labelled values (see
/// [`mask_weights`]).
pub fn masked_mse(predicted: Tensor<2>, truth: Tensor<2>, weights: Tensor<2>) -> Tensor<1> {
    let error = predicted - truth;
    (error.clone() * error * weights).sum()
}

/// The weights of [`masked_mse`] for a `[batch, values]` mask: 1/labelled where labelled,
/// 0 elsewhere. Returns `None` when nothing is labelled.
pub fn mask_weights(present: &[bool], values: usize, device: &Device) -> Option<Tensor<2>> {
    let labelled = present.iter().filter(|&&p| p).count();
    if labelled == 0 {
        return None;
    }
    let weight = 1.0 / labelled as f32;
    let weights: Vec<f32> = present
        .iter()
        .map(|&p| if p { weight } else { 0.0 })
        .collect();
    let batch = present.len() / values;
    Some(Tensor::from_data(
        TensorData::new(weights, [batch, values]),
        device,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> Device {
        Device::flex()
    }

    fn scalar(tensor: Tensor<1>) -> f32 {
        tensor.into_scalar::<f32>()
    }

    #[test]
    fn cross_entropy_matches_the_formula() {
        let device = device();
        let logits = Tensor::<2>::from_data(
            TensorData::new(vec![2.0f32, 0.0, 0.0, 1.0], [2, 2]),
            &device,
        );
        let targets = soft_targets(&[0, 1], &[1.0, 1.0], 0.0, &device);
        let expected = ((1.0 + (-2.0f32).exp()).ln() + (1.0 + (-1.0f32).exp()).ln()) / 2.0;
        assert!((scalar(soft_cross_entropy(logits, targets)) - expected).abs() < 1e-5);
    }

    #[test]
    fn class_weights_shift_the_mean_towards_heavy_classes() {
        let device = device();
        let targets = soft_targets(&[0, 1], &[1.0, 3.0], 0.0, &device);
        let values = targets.into_data().try_into_vec::<f32>().unwrap();
        assert_eq!(values, vec![0.25, 0.0, 0.0, 0.75]);
    }

    #[test]
    fn smoothing_spreads_mass_over_classes() {
        let device = device();
        let targets = soft_targets(&[2], &[1.0; 4], 0.2, &device);
        let values = targets.into_data().try_into_vec::<f32>().unwrap();
        assert!((values[2] - 0.85).abs() < 1e-6);
        assert!((values[0] - 0.05).abs() < 1e-6);
        assert!((values.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn masked_mse_ignores_missing_values() {
        let device = device();
        let predicted = Tensor::<2>::from_data(
            TensorData::new(vec![1.0f32, 5.0, 3.0, 9.0], [2, 2]),
            &device,
        );
        let truth = Tensor::<2>::from_data(
            TensorData::new(vec![0.0f32, 0.0, 1.0, 0.0], [2, 2]),
            &device,
        );
        let weights = mask_weights(&[true, false, true, false], 2, &device).unwrap();
        assert!((scalar(masked_mse(predicted, truth, weights)) - 2.5).abs() < 1e-6);
        assert!(mask_weights(&[false, false], 2, &device).is_none());
    }
}
