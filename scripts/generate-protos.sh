#!/usr/bin/env bash
# Regenerates the committed Swift code of Sources/FormatProtos from the protobuf schemas.
#
# Needs: protoc (Debian's protobuf-compiler), the onnx Python package (its wheel carries
# onnx-ml.proto), and protoc-gen-swift built from the mirrored swift-protobuf at the version
# Package.swift names (1.39.0):
#
#   git clone /opt/swift-packages/apple/swift-protobuf.git /tmp/swift-protobuf
#   git -C /tmp/swift-protobuf checkout 1.39.0
#   (cd /tmp/swift-protobuf && swift build -c release --product protoc-gen-swift)
#   PROTOC_GEN_SWIFT=/tmp/swift-protobuf/.build/release/protoc-gen-swift scripts/generate-protos.sh
#
# The generated code is committed so that a build never runs protoc or swift-protobuf's
# plugin (which compiles protoc from C++ on every clean build).
set -euo pipefail
cd "$(dirname "$0")/.."
plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}"
[ -x "$plugin" ] || { echo "set PROTOC_GEN_SWIFT to a built protoc-gen-swift (see the comment at the top)" >&2; exit 1; }
onnx_dir="$(python3 -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$onnx_dir/onnx-ml.proto" "$work/onnx-ml.proto"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$work" \
    --swift_opt=Visibility=Public --swift_out=Sources/FormatProtos/ONNX "$work/onnx-ml.proto"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path=scripts/protos \
    --swift_opt=Visibility=Public --swift_out=Sources/FormatProtos/CoreML scripts/protos/CoreMLTreeEnsemble.proto
echo "regenerated from onnx $(python3 -c 'import onnx; print(onnx.__version__)')'s onnx-ml.proto and scripts/protos/CoreMLTreeEnsemble.proto"
