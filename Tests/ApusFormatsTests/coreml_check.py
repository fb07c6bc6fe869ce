"""Checks every Core ML model in a folder, for the Core ML export tests. For each NAME.mlmodel:

- coremltools reads it (`coremltools.utils.load_spec`, then `coremltools.models.MLModel(spec)`;
  prediction needs macOS, so on Linux construction is as far as coremltools goes) and writes it
  back to the same bytes (so it understood every field); what importing coremltools and
  constructing the MLModel printed or warned goes to NAME.coremltools.txt;
- the spec passes the checks Core ML's validator makes of a tree-ensemble model (interface
  and tree structure, from coremltools' mlmodel/src/Validation), done here independently;
- an independent walker of Core ML's documented tree semantics evaluates the spec on the rows
  of NAME.f64 (float64 features, row-major; the feature count is the input's shape) and
  writes NAME.out.f64 (`probabilities` in class order, or `prediction`, row-major) and
  NAME.label.txt (the classifier's `label`, one per line).

Anything that fails goes to NAME.error.

    python3 coreml_check.py DIR
"""
import contextlib
import glob
import io
import json
import math
import os
import sys
import warnings

import numpy as np

IMPORT_SAID = io.StringIO()
with contextlib.redirect_stdout(IMPORT_SAID), contextlib.redirect_stderr(IMPORT_SAID):
    # On Linux, coremltools prints that its macOS-only parts (prediction) are unavailable.
    import coremltools
    from coremltools.proto import FeatureTypes_pb2, TreeEnsemble_pb2

Node = TreeEnsemble_pb2.TreeEnsembleParameters.TreeNode
Transform = TreeEnsemble_pb2.TreeEnsemblePostEvaluationTransform
TESTS = {
    Node.BranchOnValueLessThanEqual: lambda v, t: v <= t,
    Node.BranchOnValueLessThan: lambda v, t: v < t,
    Node.BranchOnValueGreaterThanEqual: lambda v, t: v >= t,
    Node.BranchOnValueGreaterThan: lambda v, t: v > t,
    Node.BranchOnValueEqual: lambda v, t: v == t,
    Node.BranchOnValueNotEqual: lambda v, t: v != t,
}


def output(description, name, kinds):
    matches = [o for o in description.output if o.name == name]
    assert len(matches) == 1, f"no single output named {name!r}"
    kind = matches[0].type.WhichOneof("Type")
    assert kind in kinds, f"output {name!r} is {kind}, not one of {kinds}"
    return matches[0]


def check_interface(spec):
    """The interface checks of Core ML's InterfaceValidators.cpp that apply to tree ensembles."""
    description = spec.description
    assert spec.specificationVersion >= 1, "specificationVersion is not set"
    assert len(description.input) == 1, f"{len(description.input)} inputs"
    for feature in list(description.input) + list(description.output):
        assert feature.name, "a feature has no name"
        assert feature.HasField("type") and feature.type.WhichOneof("Type"), f"feature {feature.name!r} has no type"
    array = description.input[0].type.multiArrayType
    assert description.input[0].name == "input" and description.input[0].type.WhichOneof("Type") == "multiArrayType"
    assert len(array.shape) == 1 and array.shape[0] > 0, f"input shape {list(array.shape)}"
    assert array.dataType == FeatureTypes_pb2.ArrayFeatureType.DOUBLE, "input is not an array of doubles"
    kind = spec.WhichOneof("Type")
    if kind == "treeEnsembleRegressor":
        assert description.predictedFeatureName == "prediction"
        output(description, "prediction", {"doubleType", "multiArrayType"})
        return spec.treeEnsembleRegressor, array.shape[0]
    assert kind == "treeEnsembleClassifier", f"model type {kind}"
    assert description.predictedFeatureName == "label" and description.predictedProbabilitiesName == "probabilities"
    output(description, "label", {"stringType"})
    scores = output(description, "probabilities", {"dictionaryType"})
    assert scores.type.dictionaryType.WhichOneof("KeyType") == "stringKeyType", "probabilities are not keyed by string"
    classifier = spec.treeEnsembleClassifier
    assert classifier.WhichOneof("ClassLabels") == "stringClassLabels", "no string class labels"
    return classifier, array.shape[0]


def check_trees(parameters, features, labels):
    """The checks of Core ML's TreeEnsembleCommon.cpp; returns {tree: (root, {node id: node})}."""
    dimensions = parameters.numPredictionDimensions
    assert dimensions > 0, "numPredictionDimensions is 0"
    assert len(parameters.basePredictionValue) in (0, dimensions), "basePredictionValue does not match the dimensions"
    if labels is not None:
        assert (dimensions == 1 and len(labels) == 2) or (dimensions >= 2 and len(labels) == dimensions), \
            f"{len(labels)} class labels for {dimensions} dimensions"
    trees = {}
    for node in parameters.nodes:
        nodes = trees.setdefault(node.treeId, {})
        assert node.nodeId not in nodes, f"tree {node.treeId} node {node.nodeId} is duplicated"
        nodes[node.nodeId] = node
    result = {}
    for tree, nodes in trees.items():
        parent = {}
        for node in nodes.values():
            if node.nodeBehavior == Node.LeafNode:
                indices = [info.evaluationIndex for info in node.evaluationInfo]
                assert indices, f"tree {tree} leaf {node.nodeId} has no evaluation value"
                assert len(set(indices)) == len(indices), f"tree {tree} leaf {node.nodeId} repeats a dimension"
                assert max(indices) < dimensions, f"tree {tree} leaf {node.nodeId} adds to dimension {max(indices)}"
                continue
            assert node.nodeBehavior in TESTS, f"tree {tree} node {node.nodeId} has behaviour {node.nodeBehavior}"
            assert node.branchFeatureIndex < features, f"tree {tree} node {node.nodeId} reads feature {node.branchFeatureIndex}"
            for child in (node.trueChildNodeId, node.falseChildNodeId):
                assert child in nodes, f"tree {tree} node {node.nodeId} has undeclared child {child}"
                assert child != node.nodeId, f"tree {tree} node {node.nodeId} is its own child"
                assert child not in parent, f"tree {tree} node {child} has two parents ({parent.get(child)}, {node.nodeId})"
                parent[child] = node.nodeId
        roots = [n for n in nodes if n not in parent]
        assert len(roots) == 1, f"tree {tree} has roots {roots}"
        # One parent each and one root: every node is reachable unless there is a cycle.
        reached, stack = set(), [roots[0]]
        while stack:
            current = stack.pop()
            reached.add(current)
            node = nodes[current]
            if node.nodeBehavior != Node.LeafNode:
                stack += [node.trueChildNodeId, node.falseChildNodeId]
        assert len(reached) == len(nodes), f"tree {tree} has {len(nodes) - len(reached)} nodes off its root"
        result[tree] = (roots[0], nodes)
    return result


def evaluate(trees, parameters, transform, rows):
    """Raw scores (base plus leaves) and Core ML's post-evaluation transform."""
    dimensions = parameters.numPredictionDimensions
    base = list(parameters.basePredictionValue) or [0.0] * dimensions
    scores = np.tile(np.asarray(base, dtype=np.float64), (len(rows), 1))
    for root, nodes in trees.values():
        for r, row in enumerate(rows):
            node = nodes[root]
            while node.nodeBehavior != Node.LeafNode:
                value = row[node.branchFeatureIndex]
                if math.isnan(value):
                    passes = node.missingValueTracksTrueChild
                else:
                    passes = TESTS[node.nodeBehavior](value, node.branchFeatureValue)
                node = nodes[node.trueChildNodeId if passes else node.falseChildNodeId]
            for info in node.evaluationInfo:
                scores[r, info.evaluationIndex] += info.evaluationValue
    if transform == Transform.Regression_Logistic:
        return 1 / (1 + np.exp(-scores))
    if transform == Transform.Classification_SoftMax:
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)
    assert transform == Transform.NoTransform, f"transform {transform}"
    return scores


def run(path):
    stem = path[: -len(".mlmodel")]
    spec = coremltools.utils.load_spec(path)
    with open(path, "rb") as handle:
        written = handle.read()
    assert spec.SerializeToString(deterministic=True) == written, "coremltools writes the spec back to different bytes"
    said = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        warnings.simplefilter("always")
        model = coremltools.models.MLModel(spec)
    with open(stem + ".coremltools.txt", "w") as handle:
        handle.write(f"import coremltools {coremltools.__version__} printed: {IMPORT_SAID.getvalue()!r}\n")
        handle.write(f"MLModel(spec) printed: {said.getvalue()!r}; warnings: {[str(w.message) for w in caught]}\n")
        handle.write(f"MLModel: inputs {model.input_description}, outputs {model.output_description}\n")
    metadata = json.loads(spec.description.metadata.userDefined["apus.model"])

    ensemble, features = check_interface(spec)
    labels = list(ensemble.stringClassLabels.vector) if spec.WhichOneof("Type") == "treeEnsembleClassifier" else None
    assert len(metadata["features"]) == features, "apus.model's features do not match the input"
    trees = check_trees(ensemble.treeEnsemble, features, labels)
    rows = np.fromfile(stem + ".f64", dtype=np.float64).reshape(-1, features)
    predictions = evaluate(trees, ensemble.treeEnsemble, ensemble.postEvaluationTransform, rows)
    if labels is None:
        predictions[:, 0].tofile(stem + ".out.f64")
        return
    if len(labels) == 2 and predictions.shape[1] == 1:
        predictions = np.hstack([1 - predictions, predictions])
    predictions.tofile(stem + ".out.f64")
    with open(stem + ".label.txt", "w") as handle:
        handle.write("\n".join(labels[i] for i in predictions.argmax(axis=1)) + "\n")


def main():
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.mlmodel"))):
        try:
            run(path)
        except Exception as error:  # reported by the Swift test that owns the file
            with open(path[: -len(".mlmodel")] + ".error", "w") as handle:
                handle.write(f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
