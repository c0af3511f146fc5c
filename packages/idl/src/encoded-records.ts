import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

/**
 * A message whose repeated message field `fieldNo` holds `records`, messages that are encoded
 * already: each goes on the wire byte for byte where the decoded record would have been written
 * (protobuf writes a message's unknown fields as they are), and a reader decodes the message as
 * usual. Saves decoding stored records only to encode them again. Only for the binary codec: JSON
 * has no place for such bytes, so a JSON writer drops them.
 */
export function withEncodedRecords<Desc extends DescMessage>(schema: Desc, fieldNo: number, records: readonly Uint8Array[]): MessageShape<Desc> {
  const message = create(schema);
  message.$unknown = records.map((data) => ({ no: fieldNo, wireType: WireType.LengthDelimited, data: new BinaryWriter().bytes(data).finish() }));
  return message;
}
