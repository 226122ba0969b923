// Who and what a DICOM file belongs to (patient, study, series), from its header only: for grouping images by
// patient, and for showing a study folder as patients > studies > series.
import { resolve } from 'node:path';
import { T } from './dicom-header.js';
import { parseHeaderOnly } from './dicom.js';
import { ImageReadError } from './types.js';

export interface DicomIds {
  patientId?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  modality?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  /** SOP Class UID: a DICOMDIR (1.2.840.10008.1.3.10) or other non-image object is no image. */
  sopClassUid?: string;
  /** Name of the transfer syntax, e.g. 'JPEG 2000 lossless'. */
  transferSyntax: string;
}

/** The DICOM tags a dataset config can group by. */
export const DICOM_GROUP_TAGS = ['PatientID', 'StudyInstanceUID', 'SeriesInstanceUID'] as const;
export type DicomGroupTag = (typeof DICOM_GROUP_TAGS)[number];

export const MEDIA_DIRECTORY_SOP_CLASS = '1.2.840.10008.1.3.10';

const clean = (s: string | undefined): string | undefined => {
  const t = s?.replace(/\0/g, '').trim();
  return t ? t : undefined;
};

export async function readDicomIds(file: string): Promise<DicomIds> {
  const abs = resolve(file);
  try {
    const { ds, syntax } = await parseHeaderOnly(abs);
    return {
      patientId: clean(ds.string(T.patientId)),
      studyInstanceUid: clean(ds.string(T.studyUid)),
      seriesInstanceUid: clean(ds.string(T.seriesUid)),
      modality: clean(ds.string(T.modality)),
      seriesNumber: ds.intString(T.seriesNumber),
      instanceNumber: ds.intString(T.instanceNumber),
      sopClassUid: clean(ds.string(T.sopClass)) ?? clean(ds.string('x00020002')),
      transferSyntax: syntax.name,
    };
  } catch (e) {
    if (e instanceof ImageReadError) throw e;
    throw new ImageReadError(abs, e instanceof Error ? e.message : String(e));
  }
}

export function dicomIdOf(ids: DicomIds, tag: DicomGroupTag): string | undefined {
  return tag === 'PatientID' ? ids.patientId : tag === 'StudyInstanceUID' ? ids.studyInstanceUid : ids.seriesInstanceUid;
}
