//! Graph tooling: load/save, contract names, Softmax, BatchNormalization folding,
//! combination and cost, checked by running the graphs in tract.

mod onnx_support;

use host::onnx::{
    INPUT_SHAPE, OnnxError, TractModel, append_softmax, combine_models, encode_model,
    fold_batch_norms, graph, graph_cost, graph_mut, int64_tensor, load_model, node, save_model,
    set_contract_names, simplify,
};
use onnx_support::{
    conv_norm_model, conv_pool_norm_model, head_model, max_abs_diff, random_image, reshape_model,
    uniform,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

#[test]
fn saved_model_loads_back_identical() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("head.onnx");
    let model = head_model(1, 5, true, 13);

    let written = save_model(&model, &path).unwrap();
    let loaded = load_model(&path).unwrap();

    assert_eq!(written, std::fs::read(&path).unwrap());
    assert_eq!(loaded, model);
}

#[test]
fn truncated_model_is_rejected_with_its_path() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("truncated.onnx");
    let bytes = encode_model(&head_model(1, 5, true, 13));
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();

    let error = load_model(&path).unwrap_err();

    assert!(matches!(error, OnnxError::Decode { .. }), "{error}");
    assert!(error.to_string().contains("truncated.onnx"), "{error}");
}

#[test]
fn empty_missing_and_foreign_files_are_rejected() {
    let folder = tempfile::tempdir().unwrap();
    let empty = folder.path().join("empty.onnx");
    std::fs::write(&empty, b"").unwrap();
    let text = folder.path().join("notes.onnx");
    std::fs::write(&text, b"this is not a protobuf model at all\n").unwrap();

    let empty_error = load_model(&empty).unwrap_err().to_string();
    let missing_error = load_model(&folder.path().join("absent.onnx"))
        .unwrap_err()
        .to_string();
    let text_error = load_model(&text).unwrap_err().to_string();

    assert!(
        empty_error.contains("empty.onnx") && empty_error.contains("empty"),
        "{empty_error}"
    );
    assert!(missing_error.contains("absent.onnx"), "{missing_error}");
    assert!(text_error.contains("notes.onnx"), "{text_error}");
}

#[test]
fn contract_names_replace_input_and_output_everywhere() {
    let mut model = head_model(2, 30, false, 13);

    set_contract_names(&mut model, "head", "input", &["keypoints"]).unwrap();

    let graph = graph(&model, "head").unwrap();
    assert_eq!(graph.input[0].name, "input");
    assert_eq!(graph.output[0].name, "keypoints");
    assert_eq!(graph.node[0].input[0], "input");
    assert_eq!(graph.node.last().unwrap().output[0], "keypoints");
    let tract = TractModel::new(&model).unwrap();
    let outputs = tract.run(&vec![0.25; 96 * 96]).unwrap();
    assert_eq!(outputs[0].name, "keypoints");
    assert_eq!(outputs[0].shape, [1, 30]);
}

#[test]
fn appended_softmax_turns_logits_into_probabilities() {
    let logits_model = head_model(3, 5, false, 13);
    let mut model = logits_model.clone();
    let mut rng = StdRng::seed_from_u64(3);
    let image = random_image(&mut rng);

    append_softmax(graph_mut(&mut model, "head").unwrap(), "y").unwrap();

    let logits = &TractModel::new(&logits_model).unwrap().run(&image).unwrap()[0].values;
    let probabilities = &TractModel::new(&model).unwrap().run(&image).unwrap()[0].values;
    let largest = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|logit| (logit - largest).exp()).collect();
    let expected: Vec<f32> = exps.iter().map(|e| e / exps.iter().sum::<f32>()).collect();
    assert!(
        max_abs_diff(probabilities, &expected) < 1e-6,
        "{probabilities:?} {expected:?}"
    );
    assert!((probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);
}

#[test]
fn folding_batch_norm_keeps_outputs_within_1e5() {
    let original = conv_norm_model(4);
    let mut folded = original.clone();
    let mut rng = StdRng::seed_from_u64(4);

    let count = fold_batch_norms(graph_mut(&mut folded, "conv_norm").unwrap()).unwrap();

    assert_eq!(count, 1);
    let graph = graph(&folded, "conv_norm").unwrap();
    let ops: Vec<&str> = graph
        .node
        .iter()
        .map(|node| node.op_type.as_str())
        .collect();
    assert_eq!(ops, ["Conv", "Relu"]);
    assert!(
        graph
            .initializer
            .iter()
            .all(|init| !init.name.starts_with("norm."))
    );
    let before = TractModel::new(&original).unwrap();
    let after = TractModel::new(&folded).unwrap();
    let mut worst = 0.0f32;
    for _ in 0..8 {
        let input = uniform(&mut rng, 3 * 16 * 16, -2.0, 2.0);
        let expected = &before.run(&input).unwrap()[0].values;
        let actual = &after.run(&input).unwrap()[0].values;
        worst = worst.max(max_abs_diff(expected, actual));
    }
    assert!(worst <= 1e-5, "max abs difference {worst}");
}

#[test]
fn batch_norm_after_max_pool_folds_when_its_scales_are_positive() {
    let original = conv_pool_norm_model(7, 1.0);
    let mut folded = original.clone();
    let mut negative = conv_pool_norm_model(7, -1.0);
    let mut rng = StdRng::seed_from_u64(7);

    let count = fold_batch_norms(graph_mut(&mut folded, "pooled").unwrap()).unwrap();
    let negative_count = fold_batch_norms(graph_mut(&mut negative, "negative").unwrap()).unwrap();

    assert_eq!((count, negative_count), (1, 0));
    let ops: Vec<&str> = graph(&folded, "pooled")
        .unwrap()
        .node
        .iter()
        .map(|node| node.op_type.as_str())
        .collect();
    assert_eq!(ops, ["Conv", "MaxPool"]);
    let before = TractModel::new(&original).unwrap();
    let after = TractModel::new(&folded).unwrap();
    for _ in 0..8 {
        let input = uniform(&mut rng, 3 * 16 * 16, -2.0, 2.0);
        let expected = &before.run(&input).unwrap()[0].values;
        let actual = &after.run(&input).unwrap()[0].values;
        assert!(max_abs_diff(expected, actual) <= 1e-5);
    }
}

#[test]
fn batch_norm_without_a_conv_is_left_alone() {
    let mut model = conv_norm_model(5);
    let graph = graph_mut(&mut model, "conv_norm").unwrap();
    graph.node.remove(0);
    graph.node[0].input[0] = "input".to_string();
    graph.output[0].r#type = None;

    assert_eq!(fold_batch_norms(graph).unwrap(), 0);
    assert_eq!(graph.node[0].op_type, "BatchNormalization");
}

#[test]
fn constant_reshapes_are_folded_and_data_reshapes_kept() {
    let original = head_model(6, 5, false, 13);
    let mut model = original.clone();
    let graph = graph_mut(&mut model, "head").unwrap();
    graph
        .initializer
        .push(int64_tensor("bias_shape", &[2], &[1, -1]));
    let bias_reshape = node(
        "Reshape",
        "bias_reshape",
        &["fc.bias", "bias_shape"],
        &["bias_2d"],
        vec![],
    );
    graph.node.insert(0, bias_reshape);
    let add = graph
        .node
        .iter_mut()
        .find(|node| node.op_type == "Add")
        .unwrap();
    add.input[1] = "bias_2d".to_string();
    let mut data_reshape = reshape_model();

    let removed = simplify(graph).unwrap();
    let kept = simplify(graph_mut(&mut data_reshape, "reshape").unwrap()).unwrap();

    assert_eq!((removed, kept), (1, 0));
    let graph = host::onnx::graph(&model, "head").unwrap();
    assert!(graph.node.iter().all(|node| node.op_type != "Reshape"));
    let bias = host::onnx::initializer(graph, "bias_2d_constant").unwrap();
    assert_eq!(bias.dims, [1, 5]);
    let image = vec![0.5; 96 * 96];
    let expected = TractModel::new(&original).unwrap().run(&image).unwrap();
    let actual = TractModel::new(&model).unwrap().run(&image).unwrap();
    assert_eq!(expected[0].values, actual[0].values);
}

#[test]
fn combined_model_matches_its_parts_and_keeps_names_apart() {
    let keypoints = head_model(10, 30, false, 13);
    let emotion = head_model(11, 5, true, 13);
    let mut rng = StdRng::seed_from_u64(12);

    let combined = combine_models(&keypoints, &emotion).unwrap();

    let graph = graph(&combined, "combined").unwrap();
    let mut names: Vec<&str> = graph
        .initializer
        .iter()
        .map(|init| init.name.as_str())
        .collect();
    names.sort_unstable();
    let before_dedup = names.len();
    names.dedup();
    assert_eq!(names.len(), before_dedup, "initializer names clash");
    assert_eq!(before_dedup, 8);
    assert_eq!(graph.input.len(), 1);
    let combined = TractModel::new(&combined).unwrap();
    assert_eq!(combined.input_name(), "input");
    assert_eq!(combined.input_shape(), INPUT_SHAPE);
    let keypoints = TractModel::new(&keypoints).unwrap();
    let emotion = TractModel::new(&emotion).unwrap();
    for _ in 0..4 {
        let image = random_image(&mut rng);
        let outputs = combined.run(&image).unwrap();
        assert_eq!(outputs[0].name, "keypoints");
        assert_eq!(outputs[0].shape, [1, 30]);
        assert_eq!(outputs[1].name, "emotion");
        assert_eq!(outputs[1].shape, [1, 5]);
        assert_eq!(outputs[0].values, keypoints.run(&image).unwrap()[0].values);
        assert_eq!(outputs[1].values, emotion.run(&image).unwrap()[0].values);
    }
}

#[test]
fn combining_refuses_mismatched_operator_sets_and_wrong_shapes() {
    let keypoints = head_model(10, 30, false, 13);
    let emotion_opset_17 = head_model(11, 5, true, 17);
    let emotion_wrong_width = head_model(11, 7, true, 13);

    let opset_error = combine_models(&keypoints, &emotion_opset_17)
        .unwrap_err()
        .to_string();
    let shape_error = combine_models(&keypoints, &emotion_wrong_width)
        .unwrap_err()
        .to_string();

    assert!(
        opset_error.contains("operator set 13") && opset_error.contains("17"),
        "{opset_error}"
    );
    assert!(
        shape_error.contains("emotion") && shape_error.contains('7'),
        "{shape_error}"
    );
}

#[test]
fn cost_counts_parameters_and_macs_from_the_graph() {
    let model = head_model(20, 30, false, 13);

    let cost = graph_cost(&model).unwrap();

    // Conv: 4 * 1 * 3 * 3 weights + 4 biases; dense: 4 * 30 + 30.
    assert_eq!(cost.parameters, 36 + 4 + 120 + 30);
    // Conv output [1, 4, 48, 48], 9 products each; MatMul [1, 30], 4 products each.
    assert_eq!(cost.macs, 4 * 48 * 48 * 9 + 30 * 4);
}
