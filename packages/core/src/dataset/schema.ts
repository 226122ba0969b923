// The dataset config (`*.medad.yaml` with `medad: dataset`): where the images are, how they are split, and an
// optional unlabelled pool. Every key carries a description: they become the editor's hover docs via JSON Schema.
import { z } from 'zod';

const relPath = (what: string) =>
  z.string().min(1).describe(`${what} (relative to this config file, or absolute).`);

const folderShape = {
  root: relPath('Dataset folder holding `train/normal/` and `test/<class>/`'),
  train: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Name of the training folder under root. Default `train`; only its normal class is trained on, other classes there feed `unlabelled.from: train`.',
    ),
  test: z
    .string()
    .min(1)
    .optional()
    .describe('Name of the test folder under root. Default `test`; each subfolder is a class.'),
  masks: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Name of the pixel-mask folder under the test folder. Default `masks`; a mask matches the test image with the same file stem.',
    ),
  normalClass: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Class folder that holds normal images (label 0). Default `normal`; every other class is anomalous (label 1).',
    ),
};

const clip = z
  .tuple([z.number().min(0).max(100), z.number().min(0).max(100)])
  .describe('Clip intensities to these volume percentiles before scaling, e.g. `[0.5, 99.5]`.');

const window = z
  .union([
    z.literal('file').describe('Use the window stored in the DICOM header (Window Center/Width), else none.'),
    z.literal('none').describe('No windowing: scale the full stored range.'),
    z
      .strictObject({
        center: z.number().describe('Window centre in modality units (e.g. HU for CT).'),
        width: z.number().positive().describe('Window width in modality units.'),
      })
      .describe('An explicit window.'),
  ])
  .describe('Intensity window applied to DICOM pixels: `file`, `none` or `{center, width}`. Default `file`.');

const slices = z
  .strictObject({
    axis: z
      .union([z.literal(0), z.literal(1), z.literal(2)])
      .optional()
      .describe('Slice axis in the stored voxel order (0 = i, 1 = j, 2 = k). Default 2.'),
    range: z
      .tuple([z.number().int().min(0), z.number().int().min(0)])
      .optional()
      .describe(
        'Half-open slice index range `[from, to)` along the axis, clamped to the volume. Default: all.',
      ),
    every: z.number().int().positive().optional().describe('Keep every n-th slice of the range. Default 1.'),
  })
  .describe('Which 2-D slices to take from each volume.');

export const folderSourceSchema = z
  .strictObject({
    layout: z
      .literal('folder')
      .describe('Images in class folders: `train/normal/`, `test/<class>/`, optional `test/masks/`.'),
    ...folderShape,
  })
  .describe('A folder of PNG/JPEG/TIFF/WebP images in class folders.');

export const manifestSourceSchema = z
  .strictObject({
    layout: z.literal('manifest').describe('Images listed in a CSV file.'),
    file: relPath(
      'CSV with columns `path,label,class,split,mask`; paths in it are relative to the CSV folder',
    ),
    root: relPath('Folder the CSV paths are relative to. Default: the CSV folder').optional(),
    window: window.optional(),
  })
  .describe(
    'Images listed in a CSV manifest: split `train`/`test`/`validation` (or `val`), other split names are pools.',
  );

export const dicomSourceSchema = z
  .strictObject({
    layout: z.literal('dicom').describe('DICOM files (.dcm) in the folder layout.'),
    ...folderShape,
    window: window.optional(),
  })
  .describe('A folder of DICOM files arranged like the folder layout, with DICOM read options.');

export const niftiSourceSchema = z
  .strictObject({
    layout: z.literal('nifti').describe('NIfTI volumes (.nii, .nii.gz) in the folder layout.'),
    ...folderShape,
    slices: slices.optional(),
    clip: clip.optional(),
  })
  .describe('A folder of NIfTI volumes arranged like the folder layout, with slicing options.');

export const sourceSchema = z
  .discriminatedUnion('layout', [
    folderSourceSchema,
    manifestSourceSchema,
    dicomSourceSchema,
    niftiSourceSchema,
  ])
  .describe('One image source; `layout` says how its images and labels are found.');

export const validationSchema = z
  .union([
    z
      .strictObject({
        fraction: z
          .number()
          .gt(0)
          .lt(1)
          .describe('Fraction of training normals held out for validation (seeded), e.g. 0.1.'),
      })
      .describe('Hold out a random fraction of the training normals.'),
    z
      .strictObject({ folder: relPath('Folder of normal images used for validation') })
      .describe('Use a separate folder of normals.'),
  ])
  .describe(
    'Validation normals (for thresholds and early stopping): `{fraction}` or `{folder}`. Default: none.',
  );

export const unlabelledSchema = z
  .strictObject({
    from: z
      .string()
      .min(1)
      .describe(
        'Where the pool comes from: a split name (`train` = training normals not otherwise used plus the anomalous classes under train/, or a manifest split such as `pool`), or a folder (relative to this config) with class subfolders or plain images.',
      ),
    size: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Number of images in the pool. Required when drawing from `train`; default: all available.'),
    anomalyRate: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        'Fraction of anomalies in the pool (0..1), for controlled experiments. Needs labelled candidates.',
      ),
    seed: z.number().int().optional().describe('Seed for drawing the pool. Default: the top-level seed.'),
  })
  .describe(
    'Optional unlabelled pool (images of unknown label) for dual-distribution / semi-supervised methods.',
  );

export const groupSchema = z
  .union([
    z
      .strictObject({ column: z.string().min(1).describe('Manifest column holding the group key, e.g. `patient_id`.') })
      .describe('Group by a manifest column.'),
    z
      .strictObject({
        dicom: z
          .enum(['PatientID', 'StudyInstanceUID', 'SeriesInstanceUID'])
          .describe('DICOM attribute read from each file\'s header.'),
      })
      .describe('Group DICOM files by a header attribute.'),
    z
      .strictObject({
        pattern: z
          .string()
          .min(1)
          .refine((p) => {
            try {
              new RegExp(p);
              return true;
            } catch {
              return false;
            }
          }, 'not a valid regular expression')
          .describe(
            'Regular expression on the image path relative to this config (with `/`); the first capture group (else the whole match) is the key, e.g. `(patient\\d+)`.',
          ),
      })
      .describe('Group by a pattern in the file path.'),
  ])
  .describe(
    'Keeps the images of one group (e.g. one patient) on one side of every split medad makes (validation hold-out, unlabelled pool); `dataset check` reports groups that straddle the given train/test split. `{column}`, `{dicom}` or `{pattern}`. Default: no grouping (each image its own group).',
  );

export const datasetConfigSchema = z
  .strictObject({
    medad: z.literal('dataset').describe('Marks this file as a medad dataset config.'),
    version: z.literal(1).describe('Config format version; must be 1.'),
    name: z.string().min(1).optional().describe('Display name of the dataset.'),
    seed: z.number().int().optional().describe('Seed for every random split and draw. Default 0.'),
    sources: z.array(sourceSchema).min(1).describe('Image sources; their items are concatenated.'),
    validation: validationSchema.optional(),
    unlabelled: unlabelledSchema.optional(),
    group: groupSchema.optional(),
  })
  .describe(
    'A medad dataset: training normals, test images with labels (and masks), validation and unlabelled pool.',
  );

export type DatasetConfig = z.infer<typeof datasetConfigSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type GroupConfig = z.infer<typeof groupSchema>;
export type FolderLikeSource = Exclude<SourceConfig, { layout: 'manifest' }>;
