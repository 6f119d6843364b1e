import protobuf from 'protobufjs';

/**
 * The subset of the official `onnx.proto` (package `onnx`, proto2) that inferbench writes, and the
 * TensorProto data fields it reads from test data.
 * Field numbers and wire types match onnx/onnx `onnx/onnx.proto`; names are camelCase as protobufjs
 * would derive them, which does not change the bytes on the wire.
 */

/** `TensorProto.DataType` values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
/** An element type number from {@link DataType}. */
export type DataTypeValue = (typeof DataType)[keyof typeof DataType];

/** `AttributeProto.AttributeType` values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, FLOATS: 6, INTS: 7 } as const;
/** An attribute type number from {@link AttributeType}. */
export type AttributeTypeValue = (typeof AttributeType)[keyof typeof AttributeType];

/** `onnx.TensorProto`, with the data always in `rawData` (little-endian). */
export interface TensorProtoLike {
  /** Shape; empty for a scalar. */
  dims: number[];
  /** Element type. */
  dataType: DataTypeValue;
  /** Name the graph refers to the tensor by. */
  name: string;
  /** Elements in little-endian byte order. */
  rawData: Uint8Array;
}

/** `onnx.AttributeProto`: exactly one of `f`, `i`, `floats`, `ints` is set, matching `type`. */
export interface AttributeProtoLike {
  /** Attribute name as the operator defines it. */
  name: string;
  /** Which value field is in use. */
  type: AttributeTypeValue;
  /** FLOAT value. */
  f?: number;
  /** INT value. */
  i?: number;
  /** FLOATS value. */
  floats?: number[];
  /** INTS value. */
  ints?: number[];
}

/** `onnx.NodeProto` in the default (ai.onnx) domain. */
export interface NodeProtoLike {
  /** Input value names, in operator order. */
  input: string[];
  /** Output value names, in operator order. */
  output: string[];
  /** Unique node name. */
  name: string;
  /** Operator, e.g. `MatMul`. */
  opType: string;
  /** Operator attributes. */
  attribute: AttributeProtoLike[];
}

/** `onnx.TensorShapeProto.Dimension`: a fixed size or a symbolic name, not both. */
export type DimensionLike = { dimValue: number } | { dimParam: string };

/** `onnx.ValueInfoProto` of a tensor value. */
export interface ValueInfoProtoLike {
  /** Value name. */
  name: string;
  /** `TypeProto` with its `tensor_type` member set. */
  type: { tensorType: { elemType: DataTypeValue; shape: { dim: DimensionLike[] } } };
}

/** `onnx.GraphProto`. */
export interface GraphProtoLike {
  /** Nodes in topological order. */
  node: NodeProtoLike[];
  /** Graph name. */
  name: string;
  /** Constant tensors (weights). */
  initializer: TensorProtoLike[];
  /** Graph inputs the caller feeds. */
  input: ValueInfoProtoLike[];
  /** Graph outputs the caller fetches. */
  output: ValueInfoProtoLike[];
}

/** `onnx.OperatorSetIdProto`; an empty domain means ai.onnx. */
export interface OperatorSetIdProtoLike {
  /** Operator set domain. */
  domain: string;
  /** Operator set version. */
  version: number;
}

/** `onnx.ModelProto`. */
export interface ModelProtoLike {
  /** ONNX IR version the model targets. */
  irVersion: number;
  /** Operator sets the graph uses. */
  opsetImport: OperatorSetIdProtoLike[];
  /** Tool that wrote the model. */
  producerName: string;
  /** The model's graph. */
  graph: GraphProtoLike;
}

const optional = (type: string, id: number) => ({ type, id });
// onnx.proto is proto2 without [packed = true] on these fields, so scalars repeat unpacked as protoc writes them.
const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id, options: { packed: false } });
// TensorProto's typed data fields are the ones onnx.proto marks [packed = true]; decoding accepts either form.
const packed = (type: string, id: number) => ({ rule: 'repeated', type, id, options: { packed: true } });

const root = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: optional('string', 1),
            f: optional('float', 2),
            i: optional('int64', 3),
            floats: repeated('float', 7),
            ints: repeated('int64', 8),
            type: optional('int32', 20),
          },
        },
        ValueInfoProto: {
          fields: { name: optional('string', 1), type: optional('TypeProto', 2) },
        },
        NodeProto: {
          fields: {
            input: repeated('string', 1),
            output: repeated('string', 2),
            name: optional('string', 3),
            opType: optional('string', 4),
            attribute: repeated('AttributeProto', 5),
          },
        },
        ModelProto: {
          fields: {
            irVersion: optional('int64', 1),
            producerName: optional('string', 2),
            graph: optional('GraphProto', 7),
            opsetImport: repeated('OperatorSetIdProto', 8),
          },
        },
        GraphProto: {
          fields: {
            node: repeated('NodeProto', 1),
            name: optional('string', 2),
            initializer: repeated('TensorProto', 5),
            input: repeated('ValueInfoProto', 11),
            output: repeated('ValueInfoProto', 12),
            valueInfo: repeated('ValueInfoProto', 13),
          },
        },
        TensorProto: {
          fields: {
            dims: repeated('int64', 1),
            dataType: optional('int32', 2),
            floatData: packed('float', 4),
            int32Data: packed('int32', 5),
            stringData: repeated('bytes', 6),
            int64Data: packed('int64', 7),
            name: optional('string', 8),
            rawData: optional('bytes', 9),
            doubleData: packed('double', 10),
            uint64Data: packed('uint64', 11),
            dataLocation: optional('int32', 14),
          },
        },
        TensorShapeProto: {
          fields: { dim: repeated('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: optional('int64', 1), dimParam: optional('string', 2) },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: optional('Tensor', 1) },
          nested: {
            Tensor: {
              fields: { elemType: optional('int32', 1), shape: optional('TensorShapeProto', 2) },
            },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: optional('string', 1), version: optional('int64', 2) },
        },
      },
    },
  },
});

const ModelProto = root.lookupType('onnx.ModelProto');
const GraphProto = root.lookupType('onnx.GraphProto');
const TensorProto = root.lookupType('onnx.TensorProto');

/** The wire number of `field` in ONNX message `type` (e.g. `fieldNumber('GraphProto', 'input')` is 11). */
export function fieldNumber(type: string, field: string): number {
  const found = root.lookupType(`onnx.${type}`).fields[field];
  if (!found) throw new Error(`onnx.${type} has no field ${field} in inferbench's schema`);
  return found.id;
}

/** The bytes of `message`, a message of `type`. */
const encode = (type: protobuf.Type, message: object): Uint8Array => type.encode(type.fromObject(message)).finish();

/** The wire type of bytes, strings and messages. */
const LENGTH_DELIMITED = 2;

/** A length-delimited field's key and length, which `length` bytes of its content follow on the wire. */
const lengthPrefix = (type: protobuf.Type, field: string, length: number): Uint8Array =>
  protobuf.Writer.create().uint32((type.fields[field]!.id << 3) | LENGTH_DELIMITED).uint32(length).finish();

/** The bytes of `message`'s fields numbered before `field`, and of those after; `field` itself left out. */
function encodeAround(type: protobuf.Type, message: object, field: string): [Uint8Array, Uint8Array] {
  const id = type.fields[field]!.id;
  const others = Object.entries(message).filter(([name]) => name !== field);
  const part = (before: boolean): Uint8Array => encode(type, Object.fromEntries(others.filter(([name]) => (type.fields[name]!.id < id) === before)));
  return [part(true), part(false)];
}

/**
 * Serializes a model to the bytes of an `.onnx` file, as pieces to be put together in order: the weights' bytes are
 * the pieces themselves, not copies, so that a model of hundreds of megabytes is copied once (see concatSteps).
 * protobufjs writes a message's fields by field number, each element of a repeated field on its own, so a message is
 * its fields' encodings put together, and the pieces are the bytes encoding the whole model at once would give.
 */
export function encodeModelPieces(model: ModelProtoLike): Uint8Array[] {
  const tensors = model.graph.initializer.flatMap((tensor) => {
    const [header, after] = encodeAround(TensorProto, tensor, 'rawData');
    const data = [header, lengthPrefix(TensorProto, 'rawData', tensor.rawData.byteLength), tensor.rawData, after];
    return [lengthPrefix(GraphProto, 'initializer', data.reduce((n, piece) => n + piece.byteLength, 0)), ...data];
  });
  const [graphHead, graphTail] = encodeAround(GraphProto, model.graph, 'initializer');
  const graphBytes = graphHead.byteLength + tensors.reduce((n, piece) => n + piece.byteLength, 0) + graphTail.byteLength;
  const [modelHead, modelTail] = encodeAround(ModelProto, model, 'graph');
  return [modelHead, lengthPrefix(ModelProto, 'graph', graphBytes), graphHead, ...tensors, graphTail, modelTail];
}

/** Parses the bytes of an `.onnx` file back into the subset of fields above; others are dropped. */
export function decodeModel(bytes: Uint8Array): ModelProtoLike {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, arrays: true }) as ModelProtoLike;
}

/**
 * `onnx.TensorProto` as a file stores it: the elements are in `rawData` or in the typed field that
 * `dataType` selects. 64-bit integers are decimal strings, because a JS number would round them.
 */
export interface TensorProtoMessage {
  /** Shape; empty for a scalar. */
  dims: string[];
  /** Element type number (`TensorProto.DataType`); 0 when unset. */
  dataType: number;
  /** Name of the value; often empty in test data. */
  name: string;
  /** Elements in little-endian byte order; empty when a typed field holds them. */
  rawData: Uint8Array;
  /** FLOAT and COMPLEX64 elements. */
  floatData: number[];
  /** INT32, INT16, INT8, UINT16, UINT8, BOOL elements, and FLOAT16 / BFLOAT16 bit patterns. */
  int32Data: number[];
  /** STRING elements, as bytes. */
  stringData: Uint8Array[];
  /** INT64 elements. */
  int64Data: string[];
  /** DOUBLE and COMPLEX128 elements. */
  doubleData: number[];
  /** UINT32 and UINT64 elements. */
  uint64Data: string[];
  /** 1 when the elements live in an external file rather than in the message. */
  dataLocation: number;
}

/** Parses the bytes of a serialized `onnx.TensorProto`; throws protobufjs's error on malformed input. */
export function decodeTensorProto(bytes: Uint8Array): TensorProtoMessage {
  const message = TensorProto.decode(bytes);
  return TensorProto.toObject(message, { longs: String, bytes: Uint8Array, defaults: true, arrays: true }) as TensorProtoMessage;
}
