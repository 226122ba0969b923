// Public API of core's image I/O.
export * from './types.js';
export { decodeFile, probeFile } from './decode.js';
export { detectFormat } from './detect.js';
export { applyWindow } from './dicom.js';
export { resizeImage } from './resize.js';
export { normaliseImage, defaultRange, type Normalisable } from './normalise.js';
export { loadImage } from './load.js';
export { listImageFiles, IMAGE_EXTENSIONS } from './list.js';
export { streamBatches, type StreamBatch, type StreamOptions } from './stream.js';
export { writeGray16Png, writeGray8Png, readGray16Png } from './png.js';
export { decodingThreadPoolSize, withSizedThreadPool } from './threadpool.js';
export { openRegular, readRegularFile, withFileTimeout, FILE_IO_TIMEOUT_MS } from './open-regular.js';
export { readDicomIds, dicomIdOf, DICOM_GROUP_TAGS, MEDIA_DIRECTORY_SOP_CLASS, type DicomIds, type DicomGroupTag } from './dicom-ids.js';
