import { configureTextEncoding, getTextEncoding } from "@bufbuild/protobuf/wire";

// Protobuf string fields go through the Text Encoding API one string at a time. Most of ours are
// short ASCII (names, ids, phases' producers), for which each TextEncoder/TextDecoder call costs more
// than the string: encoding a small event spent a third of its time there. Short ASCII strings are
// converted here instead; anything else goes to the platform as before, so the bytes and the
// errors (strict decoding of invalid UTF-8) are the same. Imported by every entry point of the package.

/** Strings up to this many characters (bytes, when decoding) are tried on the ASCII path. */
const shortLength = 64;
const platform = getTextEncoding();

/** UTF-8 of `text`; for short ASCII text, built without the platform encoder. */
export function encodeUtf8(text: string): Uint8Array<ArrayBuffer> {
  const length = text.length;
  if (length > shortLength) return platform.encodeUtf8(text);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return platform.encodeUtf8(text);
    bytes[i] = code;
  }
  return bytes;
}

/** The text of UTF-8 `bytes`; `strict` refuses invalid UTF-8 (ASCII is always valid). */
export function decodeUtf8(bytes: Uint8Array, strict?: boolean): string {
  const length = bytes.length;
  if (length > shortLength) return platform.decodeUtf8(bytes, strict);
  let text = "";
  for (let i = 0; i < length; i++) {
    const byte = bytes[i] as number;
    if (byte >= 0x80) return platform.decodeUtf8(bytes, strict);
    text += String.fromCharCode(byte);
  }
  return text;
}

configureTextEncoding({ encodeUtf8, decodeUtf8, checkUtf8: platform.checkUtf8 });
