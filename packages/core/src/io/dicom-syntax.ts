// The transfer syntaxes medad reads, by UID, with the codec that decodes each (see docs/dicom.md).

export type Codec = 'native' | 'rle' | 'jpeg-baseline' | 'jpeg-lossless' | 'jpeg-ls' | 'j2k' | 'htj2k';

export interface TransferSyntax {
  uid: string;
  name: string;
  codec: Codec;
  /** Pixel data (and data set) byte order; only explicit VR big endian is true. */
  bigEndian?: boolean;
  /** Lossy codecs: a decoded image is compared within an error, not bit-exactly. */
  lossy?: boolean;
}

const table: TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'implicit VR little endian', codec: 'native' },
  { uid: '1.2.840.10008.1.2.1', name: 'explicit VR little endian', codec: 'native' },
  { uid: '1.2.840.10008.1.2.1.99', name: 'deflated explicit VR little endian', codec: 'native' },
  { uid: '1.2.840.10008.1.2.2', name: 'explicit VR big endian', codec: 'native', bigEndian: true },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE lossless', codec: 'rle' },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG baseline (process 1)', codec: 'jpeg-baseline', lossy: true },
  { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG extended (process 2 & 4)', codec: 'jpeg-baseline', lossy: true },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG lossless (process 14)', codec: 'jpeg-lossless' },
  { uid: '1.2.840.10008.1.2.4.70', name: 'JPEG lossless SV1 (process 14, selection value 1)', codec: 'jpeg-lossless' },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS lossless', codec: 'jpeg-ls' },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS near-lossless', codec: 'jpeg-ls', lossy: true },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 lossless', codec: 'j2k' },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', codec: 'j2k', lossy: true },
  { uid: '1.2.840.10008.1.2.4.201', name: 'HTJ2K lossless', codec: 'htj2k' },
  { uid: '1.2.840.10008.1.2.4.202', name: 'HTJ2K lossless RPCL', codec: 'htj2k' },
  { uid: '1.2.840.10008.1.2.4.203', name: 'HTJ2K', codec: 'htj2k', lossy: true },
];

export const TRANSFER_SYNTAXES: ReadonlyMap<string, TransferSyntax> = new Map(table.map((t) => [t.uid, t]));

/** A file without a meta header (or without a transfer syntax in it) is read as implicit VR little endian. */
export const DEFAULT_SYNTAX = TRANSFER_SYNTAXES.get('1.2.840.10008.1.2')!;
