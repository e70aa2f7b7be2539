//! Folding inference-mode BatchNormalization into the convolution that feeds it.
//!
//! For output channel `c`, with `s = gamma[c] / sqrt(var[c] + epsilon)`:
//! `W'[c] = W[c] * s` and `b'[c] = (b[c] - mean[c]) * s + beta[c]`, computed in f64 and
//! rounded once to f32.

use tract_onnx::pb::{GraphProto, NodeProto};

use super::OnnxError;
use super::graph::{
    consumers, float_or, fresh_name, initializer, int_or, is_graph_output, node_error, producer,
    prune_unused_initializers,
};
use super::tensor::{float_tensor, float_values};

/// The BatchNormalization default epsilon (ONNX).
const DEFAULT_EPSILON: f32 = 1e-5;

/// Folds every BatchNormalization whose input comes from a Conv with constant weights (and
/// which is that Conv's only reader) into the Conv. Returns how many were folded; the others
/// are left in place.
pub fn fold_batch_norms(graph: &mut GraphProto) -> Result<usize, OnnxError> {
    let mut folded = 0;
    while let Some((conv, norm)) = next_foldable(graph) {
        fold_pair(graph, conv, norm)?;
        folded += 1;
    }

    prune_unused_initializers(graph);
    if folded > 0 {
        tracing::info!(folded, "BatchNormalization folded into convolutions");
    }
    Ok(folded)
}

/// The first (Conv, BatchNormalization) pair that can be folded.
fn next_foldable(graph: &GraphProto) -> Option<(usize, usize)> {
    graph.node.iter().enumerate().find_map(|(norm, node)| {
        if node.op_type != "BatchNormalization" || node.input.len() != 5 {
            return None;
        }
        let conv = producer(graph, &node.input[0])?;
        let conv_node = &graph.node[conv];
        let foldable = conv_node.op_type == "Conv"
            && conv_node.input.len() >= 2
            && initializer(graph, &conv_node.input[1]).is_some()
            && conv_node
                .input
                .get(2)
                .is_none_or(|bias| bias.is_empty() || initializer(graph, bias).is_some())
            && node.input[1..]
                .iter()
                .all(|input| initializer(graph, input).is_some())
            && consumers(graph, &node.input[0]).len() == 1
            && !is_graph_output(graph, &node.input[0]);
        foldable.then_some((conv, norm))
    })
}

/// Rewrites the Conv's weights and bias and removes the BatchNormalization node.
fn fold_pair(graph: &mut GraphProto, conv: usize, norm: usize) -> Result<(), OnnxError> {
    let norm_node = graph.node[norm].clone();
    let conv_node = graph.node[conv].clone();
    check_inference_mode(&norm_node)?;

    let weight = read_floats(graph, &conv_node.input[1])?;
    let weight_dims = initializer_dims(graph, &conv_node.input[1]);
    let channels = weight_dims.first().copied().unwrap_or(0).max(0) as usize;
    let statistics = NormStatistics::read(graph, &norm_node, channels)?;
    let bias = match conv_node.input.get(2).filter(|bias| !bias.is_empty()) {
        Some(bias) => read_floats(graph, bias)?,
        None => vec![0.0; channels],
    };
    if bias.len() != channels || channels == 0 {
        return Err(node_error(
            &conv_node,
            "bias length does not match the output channels",
        ));
    }

    let (folded_weight, folded_bias) = statistics.fold(&weight, &bias);
    let weight_name = fresh_name(graph, &format!("{}_folded_weight", norm_node.output[0]));
    graph
        .initializer
        .push(float_tensor(&weight_name, &weight_dims, &folded_weight));
    let bias_name = fresh_name(graph, &format!("{}_folded_bias", norm_node.output[0]));
    graph
        .initializer
        .push(float_tensor(&bias_name, &[channels as i64], &folded_bias));

    let conv_output = conv_node.output[0].clone();
    graph.value_info.retain(|info| info.name != conv_output);
    let conv_node = &mut graph.node[conv];
    conv_node.input.truncate(1);
    conv_node.input.push(weight_name);
    conv_node.input.push(bias_name);
    conv_node.output[0] = norm_node.output[0].clone();
    graph.node.remove(norm);
    Ok(())
}

fn check_inference_mode(norm: &NodeProto) -> Result<(), OnnxError> {
    if int_or(norm, "training_mode", 0) != 0 || norm.output.len() != 1 {
        return Err(node_error(
            norm,
            "only inference-mode BatchNormalization can be folded",
        ));
    }
    Ok(())
}

fn read_floats(graph: &GraphProto, name: &str) -> Result<Vec<f32>, OnnxError> {
    let tensor = initializer(graph, name).ok_or_else(|| OnnxError::Missing {
        kind: "initializer",
        name: name.to_string(),
    })?;
    float_values(tensor)
}

fn initializer_dims(graph: &GraphProto, name: &str) -> Vec<i64> {
    initializer(graph, name).map_or_else(Vec::new, |tensor| tensor.dims.clone())
}

/// Per-channel BatchNormalization parameters.
struct NormStatistics {
    scale: Vec<f32>,
    offset: Vec<f32>,
    mean: Vec<f32>,
    variance: Vec<f32>,
    epsilon: f32,
}

impl NormStatistics {
    fn read(graph: &GraphProto, norm: &NodeProto, channels: usize) -> Result<Self, OnnxError> {
        let statistics = NormStatistics {
            scale: read_floats(graph, &norm.input[1])?,
            offset: read_floats(graph, &norm.input[2])?,
            mean: read_floats(graph, &norm.input[3])?,
            variance: read_floats(graph, &norm.input[4])?,
            epsilon: float_or(norm, "epsilon", DEFAULT_EPSILON),
        };
        let lengths = [
            statistics.scale.len(),
            statistics.offset.len(),
            statistics.mean.len(),
            statistics.variance.len(),
        ];
        if lengths.iter().any(|&length| length != channels) {
            return Err(node_error(
                norm,
                format!("parameter lengths {lengths:?} do not match {channels} conv channels"),
            ));
        }
        Ok(statistics)
    }

    /// The folded weight (same layout as `weight`, output channel first) and bias.
    fn fold(&self, weight: &[f32], bias: &[f32]) -> (Vec<f32>, Vec<f32>) {
        let channels = bias.len();
        let per_channel = weight.len() / channels;
        let factor: Vec<f64> = (0..channels)
            .map(|c| {
                f64::from(self.scale[c])
                    / (f64::from(self.variance[c]) + f64::from(self.epsilon)).sqrt()
            })
            .collect();

        let folded_weight = weight
            .iter()
            .enumerate()
            .map(|(index, &w)| (f64::from(w) * factor[index / per_channel]) as f32)
            .collect();
        let folded_bias = (0..channels)
            .map(|c| {
                let centred = f64::from(bias[c]) - f64::from(self.mean[c]);
                (centred * factor[c] + f64::from(self.offset[c])) as f32
            })
            .collect();
        (folded_weight, folded_bias)
    }
}
