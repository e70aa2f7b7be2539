//! Folding inference-mode BatchNormalization into the convolution that feeds it, directly or
//! through a max pooling.
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

/// Folds every BatchNormalization whose input comes from a Conv with constant weights, either
/// directly or through a MaxPool, into that Conv, and returns how many were folded.
///
/// Each value on the way must have the next node as its only reader. Through a MaxPool the
/// fold is exact only when every channel's scale `gamma / sqrt(var + epsilon)` is positive
/// (a positive affine map commutes with max); other BatchNormalizations are left in place.
pub fn fold_batch_norms(graph: &mut GraphProto) -> Result<usize, OnnxError> {
    let mut folded = 0;
    while let Some(site) = next_foldable(graph) {
        fold_site(graph, site)?;
        folded += 1;
    }

    prune_unused_initializers(graph);
    let left = graph
        .node
        .iter()
        .filter(|node| node.op_type == "BatchNormalization")
        .count();
    if folded > 0 || left > 0 {
        tracing::info!(folded, left, "BatchNormalization folded into convolutions");
    }
    Ok(folded)
}

/// A BatchNormalization, the Conv it folds into and the MaxPool between them, if any.
#[derive(Debug, Clone, Copy)]
struct FoldSite {
    conv: usize,
    pool: Option<usize>,
    norm: usize,
}

/// The first BatchNormalization that can be folded, with its Conv.
fn next_foldable(graph: &GraphProto) -> Option<FoldSite> {
    graph.node.iter().enumerate().find_map(|(norm, node)| {
        let constant_parameters = node.op_type == "BatchNormalization"
            && node.input.len() == 5
            && node.input[1..]
                .iter()
                .all(|input| initializer(graph, input).is_some());
        if !constant_parameters || !has_single_reader(graph, &node.input[0]) {
            return None;
        }

        let mut value = &node.input[0];
        let mut source = producer(graph, value)?;
        let mut pool = None;
        if graph.node[source].op_type == "MaxPool" {
            // Limitation: a BatchNormalization after a MaxPool with a negative scale on any
            // channel stays a separate op, because max does not commute with a negative scale.
            if !has_positive_scales(graph, node) {
                return None;
            }
            pool = Some(source);
            value = graph.node[source].input.first()?;
            source = producer(graph, value)?;
        }

        let conv = &graph.node[source];
        let foldable = conv.op_type == "Conv"
            && conv.input.len() >= 2
            && initializer(graph, &conv.input[1]).is_some()
            && conv
                .input
                .get(2)
                .is_none_or(|bias| bias.is_empty() || initializer(graph, bias).is_some())
            && has_single_reader(graph, value);
        foldable.then_some(FoldSite {
            conv: source,
            pool,
            norm,
        })
    })
}

/// Whether `value` is read by exactly one node and is not a graph output.
fn has_single_reader(graph: &GraphProto, value: &str) -> bool {
    consumers(graph, value).len() == 1 && !is_graph_output(graph, value)
}

/// Whether every channel of a BatchNormalization scales by a positive factor.
fn has_positive_scales(graph: &GraphProto, norm: &NodeProto) -> bool {
    initializer(graph, &norm.input[1])
        .and_then(|gamma| float_values(gamma).ok())
        .is_some_and(|gamma| gamma.iter().all(|&scale| scale > 0.0))
}

/// Rewrites the Conv's weights and bias and removes the BatchNormalization node; the last node
/// before it (the Conv or the MaxPool) now produces its output.
fn fold_site(graph: &mut GraphProto, site: FoldSite) -> Result<(), OnnxError> {
    let FoldSite { conv, pool, norm } = site;
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

    let conv_node = &mut graph.node[conv];
    conv_node.input.truncate(1);
    conv_node.input.push(weight_name);
    conv_node.input.push(bias_name);

    let last = pool.unwrap_or(conv);
    graph.node[last].output[0] = norm_node.output[0].clone();
    graph
        .value_info
        .retain(|info| info.name != norm_node.input[0]);
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
