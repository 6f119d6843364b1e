import protobuf from 'protobufjs/minimal.js';
import { concatSteps, type Steps } from '../core/steps.js';
import { fieldNumber } from './onnx-proto.js';

// The path from a model to a tensor's dimensions, in onnx.proto's field numbers.
const MODEL_GRAPH = fieldNumber('ModelProto', 'graph');
const GRAPH_INPUT = fieldNumber('GraphProto', 'input');
const GRAPH_OUTPUT = fieldNumber('GraphProto', 'output');
const GRAPH_VALUE_INFO = fieldNumber('GraphProto', 'valueInfo');
const VALUE_INFO_TYPE = fieldNumber('ValueInfoProto', 'type');
const TYPE_TENSOR = fieldNumber('TypeProto', 'tensorType');
const TENSOR_SHAPE = fieldNumber('TypeProto.Tensor', 'shape');
const SHAPE_DIM = fieldNumber('TensorShapeProto', 'dim');
const DIM_VALUE = fieldNumber('TensorShapeProto.Dimension', 'dimValue');
const DIM_PARAM = fieldNumber('TensorShapeProto.Dimension', 'dimParam');
const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

const varint = (value: number): Uint8Array => protobuf.Writer.create().uint32(value).finish();

/**
 * A protobuf message, field by field, byte for byte, except the length-delimited fields for which `rewrite` returns new
 * contents: as pieces of the message and of the original to be put together in order, so that a model's weights are
 * copied once, at the end. Fields the rewrite does not touch, known or not, survive.
 */
function rewriteMessage(message: Uint8Array, rewrite: (field: number, payload: Uint8Array) => Uint8Array[] | undefined): Uint8Array[] {
  const reader = protobuf.Reader.create(message);
  const pieces: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const wireType = tag & 7;
    if (wireType === WIRE_LENGTH_DELIMITED) {
      const payload = reader.bytes();
      const replaced = rewrite(tag >>> 3, payload);
      if (replaced) pieces.push(varint(tag), varint(replaced.reduce((n, piece) => n + piece.byteLength, 0)), ...replaced);
      else pieces.push(message.subarray(start, reader.pos));
    } else {
      reader.skipType(wireType);
      pieces.push(message.subarray(start, reader.pos));
    }
  }
  return pieces;
}

/** A Dimension whose dim_param names one of `dimensions`, turned into that dim_value; others unchanged. */
function fixDimension(dim: Uint8Array, dimensions: Readonly<Record<string, number>>): Uint8Array[] | undefined {
  const reader = protobuf.Reader.create(dim);
  const kept: Uint8Array[] = [];
  let value: number | undefined;
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    if (tag >>> 3 === DIM_PARAM && (tag & 7) === WIRE_LENGTH_DELIMITED) {
      const name = reader.string();
      value = Object.hasOwn(dimensions, name) ? dimensions[name] : undefined;
      if (value === undefined) kept.push(dim.subarray(start, reader.pos));
    } else {
      reader.skipType(tag & 7);
      kept.push(dim.subarray(start, reader.pos));
    }
  }
  if (value === undefined) return undefined;
  const dimValue = protobuf.Writer.create().uint32((DIM_VALUE << 3) | WIRE_VARINT).int64(value).finish();
  return [dimValue, ...kept];
}

/**
 * Returns ONNX model bytes in which the named symbolic dimensions of the graph's inputs, outputs and
 * value infos have fixed sizes. onnxruntime-node does not implement `freeDimensionOverrides`
 * (only the web build does), so shapes are fixed in the model itself before ORT optimises it. In steps
 * (see {@link Steps}): copying a large model's weights takes seconds.
 */
export function* fixOnnxDimensionSteps(model: Uint8Array, dimensions: Readonly<Record<string, number>>): Steps<Uint8Array> {
  const shape = (bytes: Uint8Array) => rewriteMessage(bytes, (f, p) => (f === SHAPE_DIM ? fixDimension(p, dimensions) : undefined));
  const tensor = (bytes: Uint8Array) => rewriteMessage(bytes, (f, p) => (f === TENSOR_SHAPE ? shape(p) : undefined));
  const type = (bytes: Uint8Array) => rewriteMessage(bytes, (f, p) => (f === TYPE_TENSOR ? tensor(p) : undefined));
  const valueInfo = (bytes: Uint8Array) => rewriteMessage(bytes, (f, p) => (f === VALUE_INFO_TYPE ? type(p) : undefined));
  const graph = (bytes: Uint8Array) =>
    rewriteMessage(bytes, (f, p) => (f === GRAPH_INPUT || f === GRAPH_OUTPUT || f === GRAPH_VALUE_INFO ? valueInfo(p) : undefined));
  return yield* concatSteps(rewriteMessage(model, (f, p) => (f === MODEL_GRAPH ? graph(p) : undefined)));
}
